// "Act on my step": the panel for whoever holds the request now, plus the publications list
// where staff settle uncertain deliveries and correct or retract sent posts. Every step
// action carries the version the person saw.
import { useState } from 'preact/hooks';
import { Chips } from '../../components/Chips';
import { DiffView } from '../../components/DiffView';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { mutate } from '../../graphql/client';
import { AppError } from '../../graphql/errors';
import type {
  AccessClass,
  Instruction,
  Priority,
  RequestFieldsFragment,
  Role,
  SopStep,
  UserFieldsFragment,
} from '../../graphql/gen/graphql';
import { act, cachedQuery } from '../../graphql/offline';
import {
  ArchiveRequestMutation,
  ChannelsQuery,
  ClassificationsQuery,
  CorrectPublicationMutation,
  ForwardRequestMutation,
  PublishRequestMutation,
  ReassignRequestMutation,
  RejectRequestMutation,
  ResolvePublicationMutation,
  ResubmitRequestMutation,
  RetractPublicationMutation,
  ReturnForRevisionMutation,
  ReviewRequestMutation,
  UsersWithRoleQuery,
  WithdrawRequestMutation,
} from '../../graphql/operations';
import { type T, useLoad, useT } from '../../hooks';
import { hasChanges } from '../../lib/diff';
import { formatWib, fromWibInput, toWibInput } from '../../lib/time';
import styles from './style.module.css';

type Request = RequestFieldsFragment;

interface Props {
  request: Request;
  me: UserFieldsFragment;
  onUpdated: (request: Request) => void;
  onReload: () => void;
}

/** Who receives the disposition of each forwarding step. */
const NEXT_ROLE: Partial<Record<SopStep, Role>> = {
  DISPOSITION: 'BUREAU_HEAD',
  INSTRUCTION: 'PKIH_COORDINATOR',
  VERIFICATION: 'HUMAS_DEPUTY',
  ASSIGNMENT: 'STAFF',
};

const DEFAULT_INSTRUCTION: Partial<Record<SopStep, Instruction>> = {
  DISPOSITION: 'TINDAK_LANJUTI',
  INSTRUCTION: 'TINDAK_LANJUTI',
  VERIFICATION: 'KOORDINASIKAN',
  ASSIGNMENT: 'SIAPKAN_PUBLIKASI',
};

const INSTRUCTIONS: readonly Instruction[] = [
  'TINDAK_LANJUTI',
  'UNTUK_DIKETAHUI',
  'SEGERA',
  'KOORDINASIKAN',
  'PELAJARI',
  'SIAPKAN_PUBLIKASI',
  'ARSIPKAN',
];
const PRIORITIES: readonly Priority[] = ['BIASA', 'SEGERA', 'SANGAT_SEGERA'];
const CHECKS = [
  'letterAttached',
  'requesterIdentified',
  'scheduleClear',
  'contactClear',
  'mediaSuitable',
] as const;
type Check = (typeof CHECKS)[number];

type Result = { kind: 'ok' } | { kind: 'queued' } | { kind: 'error'; error: unknown } | null;

/** Runs one action and turns its outcome into the panel's state. */
function useAction(props: Props) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);
  const run = async (
    perform: () => Promise<{ kind: 'done'; request: Request } | { kind: 'queued' }>,
  ) => {
    setBusy(true);
    setResult(null);
    try {
      const outcome = await perform();
      if (outcome.kind === 'done') {
        setResult({ kind: 'ok' });
        props.onUpdated(outcome.request);
      } else setResult({ kind: 'queued' });
    } catch (error) {
      setResult({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };
  return { busy, result, run };
}

function ResultNotice({ result, t, onReload }: { result: Result; t: T; onReload: () => void }) {
  if (!result) return null;
  if (result.kind === 'ok') return <Notice kind="ok">{t('act.sent')}</Notice>;
  if (result.kind === 'queued') return <Notice kind="warn">{t('act.queued')}</Notice>;
  const conflict = result.error instanceof AppError && result.error.code === 'CONFLICT';
  return (
    <Notice kind="error">
      <span data-code={result.error instanceof AppError ? result.error.code : 'UNKNOWN'}>
        {t.error(result.error)}
      </span>
      {conflict && (
        <>
          {' '}
          <button type="button" class="btn" onClick={onReload}>
            {t('sw.reload')}
          </button>
        </>
      )}
    </Notice>
  );
}

/** Wraps a mutation result: the request it returns, or "queued" when offline. */
async function perform<K extends string>(
  outcome: Promise<{ kind: 'done'; data: Record<K, Request> } | { kind: 'queued' }>,
  key: K,
): Promise<{ kind: 'done'; request: Request } | { kind: 'queued' }> {
  const o = await outcome;
  return o.kind === 'done' ? { kind: 'done', request: o.data[key] } : { kind: 'queued' };
}

function ReturnOrReject(props: Props) {
  const t = useT();
  const { request } = props;
  const [reason, setReason] = useState('');
  const { busy, result, run } = useAction(props);
  const send = (kind: 'return' | 'reject') => {
    if (!reason.trim()) return;
    if (kind === 'reject' && !window.confirm(t('act.confirmReject'))) return;
    const input = {
      requestId: request.id,
      expectedVersion: request.version,
      reason: reason.trim(),
    };
    const meta = {
      requestId: request.id,
      label: `${t(kind === 'return' ? 'act.return' : 'act.reject')} ${request.agendaNumber}`,
    };
    void run(() =>
      kind === 'return'
        ? perform(act(ReturnForRevisionMutation, { input }, meta), 'returnForRevision')
        : perform(act(RejectRequestMutation, { input }, meta), 'rejectRequest'),
    );
  };
  return (
    <details class={styles.more}>
      <summary>{t('act.returnOrReject')}</summary>
      <label class="field">
        <span>{t('act.reason')}</span>
        <textarea
          name="reason"
          rows={3}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </label>
      <div class="row">
        <button
          type="button"
          class="btn"
          disabled={busy || !reason.trim()}
          onClick={() => send('return')}
        >
          <Icon name="back" /> {t('act.return')}
        </button>
        <button
          type="button"
          class="btn btn-danger"
          disabled={busy || !reason.trim()}
          onClick={() => send('reject')}
        >
          <Icon name="x" /> {t('act.reject')}
        </button>
      </div>
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </details>
  );
}

function Forward(props: Props & { step: SopStep }) {
  const t = useT();
  const { request, step } = props;
  const nextRole = NEXT_ROLE[step] as Role;
  const [instruction, setInstruction] = useState<Instruction>(
    DEFAULT_INSTRUCTION[step] ?? 'TINDAK_LANJUTI',
  );
  const [instructionText, setInstructionText] = useState('');
  const [priority, setPriority] = useState<Priority>(
    request.openDisposition?.priority ?? request.priority,
  );
  const [note, setNote] = useState('');
  const [toUserId, setToUserId] = useState('');
  const [channelIds, setChannelIds] = useState<string[]>([]);
  const [checks, setChecks] = useState<Record<Check, boolean>>({
    letterAttached: false,
    requesterIdentified: false,
    scheduleClear: false,
    contactClear: false,
    mediaSuitable: false,
  });
  const [invalid, setInvalid] = useState<string | null>(null);
  const { busy, result, run } = useAction(props);
  const recipients = useLoad(
    () => cachedQuery(`users:${nextRole}`, UsersWithRoleQuery, { role: nextRole }),
    [nextRole],
  );
  const channels = useLoad(
    () =>
      step === 'INSTRUCTION'
        ? cachedQuery('channels', ChannelsQuery, { includeInactive: false })
        : Promise.resolve({ data: null, savedAt: null }),
    [step],
  );

  const submit = (e: Event) => {
    e.preventDefault();
    if (step === 'INSTRUCTION' && channelIds.length === 0) return setInvalid(t('act.channels'));
    if (step === 'VERIFICATION' && !CHECKS.every((c) => checks[c]))
      return setInvalid(t('act.checklistIncomplete'));
    setInvalid(null);
    const input = {
      requestId: request.id,
      expectedVersion: request.version,
      instruction,
      instructionText: instructionText.trim() || null,
      priority,
      note: note.trim() || null,
      toUserId: toUserId || null,
      channelIds: step === 'INSTRUCTION' ? channelIds : null,
      checklist: step === 'VERIFICATION' ? checks : null,
    };
    const label = `${t('act.forward', { role: t.enumLabel('role', nextRole) })} · ${request.agendaNumber}`;
    void run(() =>
      perform(
        act(ForwardRequestMutation, { input }, { requestId: request.id, label }),
        'forwardRequest',
      ),
    );
  };

  return (
    <form onSubmit={submit}>
      {step === 'INSTRUCTION' && (
        <fieldset>
          <legend>{t('act.channels')}</legend>
          {channels.data?.channels.length === 0 && <p class="muted">{t('act.noChannels')}</p>}
          {channels.data?.channels.map((c) => (
            <label key={c.id} class="check">
              <input
                type="checkbox"
                name="channel"
                value={c.id}
                checked={channelIds.includes(c.id)}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setChannelIds((ids) => (on ? [...ids, c.id] : ids.filter((x) => x !== c.id)));
                }}
              />
              <span>
                {c.name} <span class="muted">{c.chatRef}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {step === 'VERIFICATION' && (
        <fieldset>
          <legend>{t('act.checklist')}</legend>
          {CHECKS.map((c) => (
            <label key={c} class="check">
              <input
                type="checkbox"
                name={c}
                checked={checks[c]}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setChecks((cs) => ({ ...cs, [c]: on }));
                }}
              />
              <span>{t(`check.${c}`)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <Chips
        legend={t('act.instruction')}
        name="instruction"
        value={instruction}
        onChange={setInstruction}
        options={INSTRUCTIONS.map((i) => ({ value: i, label: t.enumLabel('instr', i) }))}
      />
      <label class="field">
        <span>{t('act.instructionText')}</span>
        <input
          type="text"
          name="instructionText"
          value={instructionText}
          onInput={(e) => setInstructionText(e.currentTarget.value)}
        />
      </label>
      <Chips
        legend={t('act.priority')}
        name="priority"
        value={priority}
        onChange={setPriority}
        options={PRIORITIES.map((p) => ({ value: p, label: t.enumLabel('prio', p) }))}
      />
      <label class="field">
        <span>{t('act.recipient')}</span>
        <select
          name="toUserId"
          value={toUserId}
          onChange={(e) => setToUserId(e.currentTarget.value)}
        >
          <option value="">{t('act.anyone', { role: t.enumLabel('role', nextRole) })}</option>
          {recipients.data?.usersWithRole.map((u) => (
            <option key={u.id} value={u.id}>
              {u.fullName}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t('act.note')}</span>
        <textarea
          name="note"
          rows={2}
          value={note}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </label>
      {invalid && <Notice kind="error">{invalid}</Notice>}
      <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
        <Icon name="send" /> {t('act.forward', { role: t.enumLabel('role', nextRole) })}
      </button>
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </form>
  );
}

function Review(props: Props) {
  const t = useT();
  const { request } = props;
  const originalTitle = request.content?.title ?? request.title;
  const originalText = request.content?.narrative ?? '';
  const [title, setTitle] = useState(originalTitle);
  const [narrative, setNarrative] = useState(originalText);
  const [comment, setComment] = useState('');
  const [invalid, setInvalid] = useState(false);
  const { busy, result, run } = useAction(props);
  const changed = hasChanges(originalText, narrative) || hasChanges(originalTitle, title);

  const send = (verdict: 'FIT' | 'REVISE' | 'REJECT') => {
    if (verdict !== 'FIT' && !comment.trim()) return setInvalid(true);
    if (verdict === 'REJECT' && !window.confirm(t('act.confirmReject'))) return;
    setInvalid(false);
    const input = {
      requestId: request.id,
      expectedVersion: request.version,
      verdict,
      comment: comment.trim() || null,
      title: hasChanges(originalTitle, title) ? title.trim() : null,
      narrative: hasChanges(originalText, narrative) ? narrative : null,
    };
    const label = `${t.enumLabel('verdict', verdict)} · ${request.agendaNumber}`;
    void run(() =>
      perform(
        act(ReviewRequestMutation, { input }, { requestId: request.id, label }),
        'reviewRequest',
      ),
    );
  };

  return (
    <div>
      <label class="field">
        <span>{t('new.titleField')}</span>
        <input
          type="text"
          name="reviewTitle"
          value={title}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('act.reviewEdit')}</span>
        <textarea
          name="reviewNarrative"
          rows={8}
          value={narrative}
          onInput={(e) => setNarrative(e.currentTarget.value)}
        />
      </label>
      <h3>{t('act.reviewDiff')}</h3>
      {changed ? (
        <DiffView
          label={t('act.reviewDiff')}
          before={`${originalTitle}\n\n${originalText}`}
          after={`${title}\n\n${narrative}`}
        />
      ) : (
        <p class="muted">{t('act.noChanges')}</p>
      )}
      <label class="field" style={{ marginTop: '12px' }}>
        <span>{t('act.comment')}</span>
        <textarea
          name="comment"
          rows={2}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>
      {invalid && <Notice kind="error">{t('act.commentRequired')}</Notice>}
      <div class="row">
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => send('FIT')}>
          <Icon name="check" /> {t('act.verdictFit')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={() => send('REVISE')}>
          <Icon name="back" /> {t('act.verdictRevise')}
        </button>
        <button type="button" class="btn btn-danger" disabled={busy} onClick={() => send('REJECT')}>
          <Icon name="x" /> {t('act.verdictReject')}
        </button>
      </div>
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </div>
  );
}

function Publish(props: Props) {
  const t = useT();
  const { request } = props;
  const [scheduling, setScheduling] = useState(false);
  const [at, setAt] = useState(() => toWibInput(new Date(Date.now() + 60 * 60 * 1000)));
  const { busy, result, run } = useAction(props);
  if (request.publications.length > 0) return <p>{t('act.waitingDelivery')}</p>;
  const send = (scheduled: boolean) => {
    const when = scheduled ? fromWibInput(at) : null;
    const input = {
      requestId: request.id,
      expectedVersion: request.version,
      scheduleAt: when ? when.toISOString() : null,
    };
    const label = `${scheduled ? t('act.schedule') : t('act.publishNow')} · ${request.agendaNumber}`;
    void run(() =>
      perform(
        act(PublishRequestMutation, { input }, { requestId: request.id, label }),
        'publishRequest',
      ),
    );
  };
  return (
    <div>
      <p>
        {t('act.publishTo', { channels: request.channels.map((c) => c.name).join(', ') || '—' })}
      </p>
      <button
        type="button"
        class="btn btn-primary btn-block"
        disabled={busy}
        onClick={() => send(false)}
      >
        <Icon name="megaphone" /> {t('act.publishNow')}
      </button>
      <label class="check">
        <input
          type="checkbox"
          checked={scheduling}
          onChange={(e) => setScheduling(e.currentTarget.checked)}
        />
        <span>{t('act.schedule')}</span>
      </label>
      {scheduling && (
        <>
          <label class="field">
            <span>{t('act.scheduleAt')}</span>
            <input
              type="datetime-local"
              name="scheduleAt"
              value={at}
              onInput={(e) => setAt(e.currentTarget.value)}
            />
          </label>
          <button
            type="button"
            class="btn btn-block"
            disabled={busy || !fromWibInput(at)}
            onClick={() => send(true)}
          >
            <Icon name="clock" /> {t('act.schedule')} ({formatWib(fromWibInput(at), t.lang)})
          </button>
        </>
      )}
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </div>
  );
}

const ACCESS_CLASSES: readonly AccessClass[] = ['PUBLIC', 'INTERNAL', 'RESTRICTED'];

function Archive(props: Props) {
  const t = useT();
  const { request } = props;
  const list = useLoad(() => cachedQuery('classifications', ClassificationsQuery, {}), []);
  const [code, setCode] = useState('');
  const [years, setYears] = useState('');
  const [access, setAccess] = useState<AccessClass>('PUBLIC');
  const { busy, result, run } = useAction(props);
  const chosen = list.data?.classifications.find((c) => c.code === code);
  const submit = (e: Event) => {
    e.preventDefault();
    const input = {
      requestId: request.id,
      expectedVersion: request.version,
      classificationCode: code,
      // Left empty, the classification's default retention applies.
      retentionYears: years ? Number(years) : null,
      accessClass: access,
    };
    const label = `${t('act.archive')} · ${request.agendaNumber}`;
    void run(() =>
      perform(
        act(ArchiveRequestMutation, { input }, { requestId: request.id, label }),
        'archiveRequest',
      ),
    );
  };
  return (
    <form onSubmit={submit}>
      {list.error !== null && <Notice kind="error">{t.error(list.error)}</Notice>}
      <label class="field">
        <span>{t('act.classification')}</span>
        <select
          name="classificationCode"
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
        >
          <option value="">{t('act.classificationPick')}</option>
          {list.data?.classifications.map((c) => (
            <option key={c.id} value={c.code}>
              {c.code} — {c.title}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t('act.retention')}</span>
        <input
          type="number"
          name="retentionYears"
          min={1}
          max={100}
          placeholder={chosen ? String(chosen.defaultRetentionYears) : ''}
          value={years}
          onInput={(e) => setYears(e.currentTarget.value)}
        />
      </label>
      {chosen && !years && (
        <p class="muted">{t('act.retentionDefault', { years: chosen.defaultRetentionYears })}</p>
      )}
      <label class="field">
        <span>{t('act.accessClass')}</span>
        <select
          name="accessClass"
          value={access}
          onChange={(e) => setAccess(e.currentTarget.value as AccessClass)}
        >
          {ACCESS_CLASSES.map((a) => (
            <option key={a} value={a}>
              {t.enumLabel('access', a)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="btn btn-primary btn-block" disabled={busy || !code}>
        <Icon name="archive" /> {t('act.archive')}
      </button>
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </form>
  );
}

function Resubmit(props: Props) {
  const t = useT();
  const { request } = props;
  const [title, setTitle] = useState(request.content?.title ?? request.title);
  const [narrative, setNarrative] = useState(request.content?.narrative ?? '');
  const [note, setNote] = useState('');
  const { busy, result, run } = useAction(props);
  const lastReason = [...request.dispositions].reverse().find((d) => d.outcome === 'returned');
  const review = [...request.reviews].reverse().find((r) => r.verdict === 'REVISE');
  const submit = (e: Event) => {
    e.preventDefault();
    const input = {
      requestId: request.id,
      expectedVersion: request.version,
      title: title.trim(),
      narrative,
      note: note.trim() || null,
    };
    const label = `${t('act.resubmit')} · ${request.agendaNumber}`;
    void run(() =>
      perform(
        act(ResubmitRequestMutation, { input }, { requestId: request.id, label }),
        'resubmitRequest',
      ),
    );
  };
  return (
    <form onSubmit={submit}>
      {(review?.comment || lastReason?.note) && (
        <Notice kind="warn">{review?.comment ?? lastReason?.note}</Notice>
      )}
      <label class="field">
        <span>{t('new.titleField')}</span>
        <input
          type="text"
          name="resubmitTitle"
          value={title}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('new.narrative')}</span>
        <textarea
          name="resubmitNarrative"
          rows={8}
          value={narrative}
          onInput={(e) => setNarrative(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('act.note')}</span>
        <input
          type="text"
          name="resubmitNote"
          value={note}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
        <Icon name="send" /> {t('act.resubmit')}
      </button>
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </form>
  );
}

function Withdraw(props: Props) {
  const t = useT();
  const { request } = props;
  const { busy, result, run } = useAction(props);
  const send = () => {
    if (!window.confirm(t('act.confirmWithdraw'))) return;
    const input = { requestId: request.id, expectedVersion: request.version, reason: null };
    const label = `${t('act.withdraw')} · ${request.agendaNumber}`;
    void run(() =>
      perform(
        act(WithdrawRequestMutation, { input }, { requestId: request.id, label }),
        'withdrawRequest',
      ),
    );
  };
  return (
    <div style={{ marginTop: '12px' }}>
      <button type="button" class="btn btn-danger btn-block" disabled={busy} onClick={send}>
        {t('act.withdraw')}
      </button>
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </div>
  );
}

/** Hands the open step to another holder of the same role (e.g. the other vice rector). */
function Reassign(props: Props & { role: Role }) {
  const t = useT();
  const { request, me, role } = props;
  const [toUserId, setToUserId] = useState('');
  const { busy, result, run } = useAction(props);
  const people = useLoad(() => cachedQuery(`users:${role}`, UsersWithRoleQuery, { role }), [role]);
  const others = people.data?.usersWithRole.filter((u) => u.id !== me.id) ?? [];
  if (others.length === 0) return null;
  const send = () => {
    if (!toUserId) return;
    const input = { requestId: request.id, expectedVersion: request.version, toUserId };
    const name = others.find((u) => u.id === toUserId)?.fullName ?? '';
    const label = `${t('act.reassign')} ${name} · ${request.agendaNumber}`;
    void run(() =>
      perform(
        act(ReassignRequestMutation, { input }, { requestId: request.id, label }),
        'reassignRequest',
      ),
    );
  };
  return (
    <details class={styles.more}>
      <summary>{t('act.reassign')}</summary>
      <label class="field">
        <span>{t('act.recipient')}</span>
        <select
          name="reassignTo"
          value={toUserId}
          onChange={(e) => setToUserId(e.currentTarget.value)}
        >
          <option value="">—</option>
          {others.map((u) => (
            <option key={u.id} value={u.id}>
              {u.fullName}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="btn btn-block" disabled={busy || !toUserId} onClick={send}>
        <Icon name="send" /> {t('act.reassign')}
      </button>
      <ResultNotice result={result} t={t} onReload={props.onReload} />
    </details>
  );
}

const CLOSED = new Set(['ARCHIVED', 'REJECTED', 'WITHDRAWN']);

export function Actions(props: Props) {
  const t = useT();
  const { request, me } = props;
  const step = request.currentStep;
  const holdsStep =
    !!step &&
    !!request.holderRole &&
    me.roles.includes(request.holderRole) &&
    (!request.holder || request.holder.id === me.id);
  const isRequester = request.requester?.id === me.id;
  const canWithdraw = isRequester && !CLOSED.has(request.status);

  let panel = null;
  if (request.status === 'RETURNED' && isRequester) {
    panel = (
      <>
        <h2>{t('act.resubmitTitle')}</h2>
        <Resubmit {...props} />
      </>
    );
  } else if (holdsStep && step) {
    panel = (
      <>
        <h2>
          {t('act.title')}: {t.enumLabel('step', step)}
        </h2>
        {step in NEXT_ROLE && <Forward key={request.version} {...props} step={step} />}
        {step === 'REVIEW' && <Review key={request.version} {...props} />}
        {step === 'PUBLICATION' && <Publish {...props} />}
        {step === 'ARCHIVING' && <Archive {...props} />}
        {(step in NEXT_ROLE || step === 'REVIEW') && <ReturnOrReject {...props} />}
        {request.holderRole && <Reassign {...props} role={request.holderRole} />}
      </>
    );
  }
  if (!panel && !canWithdraw) return null;
  return (
    <section class={styles.panel} aria-label={t('act.title')}>
      {panel}
      {canWithdraw && <Withdraw {...props} />}
    </section>
  );
}

/** Publications with their delivery state; staff settle an uncertain one, or correct or
 * retract a sent one, here. */
export function Publications({
  request,
  me,
  onReload,
}: {
  request: Request;
  me: UserFieldsFragment | null;
  onReload: () => void;
}) {
  const t = useT();
  const isStaff = !!me?.roles.includes('STAFF');
  if (request.publications.length === 0) {
    return (
      <p class="muted">
        {t('act.publishTo', { channels: request.channels.map((c) => c.name).join(', ') })}
      </p>
    );
  }
  return (
    <ul class={styles.pub} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {request.publications.map((p) => (
        <li key={p.id} class="card" data-status={p.status}>
          <div class="row" style={{ alignItems: 'center' }}>
            <strong>{p.channel?.name ?? '—'}</strong>
            <span
              class={
                p.status === 'SENT'
                  ? 'badge badge-ok'
                  : p.status === 'FAILED' || p.status === 'UNCERTAIN'
                    ? 'badge badge-danger'
                    : 'badge'
              }
            >
              {t.enumLabel('pub', p.status)}
            </span>
          </div>
          <p class="muted">
            {p.sentAt
              ? formatWib(p.sentAt, t.lang)
              : p.scheduledAt
                ? `${t('act.scheduleAt')}: ${formatWib(p.scheduledAt, t.lang)}`
                : ''}{' '}
            {p.attempts > 0 ? `· ${t('req.attempts', { n: p.attempts })}` : ''}
          </p>
          {p.editedAt && (
            <p class="muted">{t('act.corrected', { time: formatWib(p.editedAt, t.lang) })}</p>
          )}
          {p.retractedAt && (
            <p class="muted">{t('act.retracted', { time: formatWib(p.retractedAt, t.lang) })}</p>
          )}
          {p.lastError && <p class="muted">{p.lastError}</p>}
          {p.link && (
            <a class="btn" href={p.link} target="_blank" rel="noopener noreferrer">
              <Icon name="link" /> {t('req.openLink')}
            </a>
          )}
          {p.status === 'UNCERTAIN' && isStaff && (
            <Resolve
              publicationId={p.id}
              requestId={request.id}
              channel={p.channel?.name ?? ''}
              onDone={onReload}
            />
          )}
          {p.status === 'SENT' && isStaff && (
            <Amend
              publicationId={p.id}
              narrative={request.content?.narrative ?? ''}
              onDone={onReload}
            />
          )}
        </li>
      ))}
    </ul>
  );
}

function Resolve({
  publicationId,
  requestId,
  channel,
  onDone,
}: {
  publicationId: string;
  requestId: string;
  channel: string;
  onDone: () => void;
}) {
  const t = useT();
  const [link, setLink] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);
  const send = async (posted: boolean) => {
    setBusy(true);
    try {
      const outcome = await act(
        ResolvePublicationMutation,
        { input: { publicationId, posted, link: posted && link.trim() ? link.trim() : null } },
        { requestId, label: `${posted ? t('act.posted') : t('act.resend')} · ${channel}` },
      );
      setResult(outcome.kind === 'done' ? { kind: 'ok' } : { kind: 'queued' });
      if (outcome.kind === 'done') onDone();
    } catch (error) {
      setResult({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <Notice kind="warn">{t('act.uncertain', { channel })}</Notice>
      <label class="field">
        <span>{t('act.postedLink')}</span>
        <input
          type="url"
          name="postedLink"
          value={link}
          onInput={(e) => setLink(e.currentTarget.value)}
          placeholder="https://t.me/…"
        />
      </label>
      <div class="row">
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy}
          onClick={() => void send(true)}
        >
          <Icon name="check" /> {t('act.posted')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={() => void send(false)}>
          <Icon name="send" /> {t('act.resend')}
        </button>
      </div>
      <ResultNotice result={result} t={t} onReload={onDone} />
    </div>
  );
}

/** Staff correct (edit) or retract (delete) a sent post on Telegram, with a logged reason.
 * Done online only: Telegram's answer decides what is recorded, so it is never queued. */
function Amend({
  publicationId,
  narrative,
  onDone,
}: {
  publicationId: string;
  narrative: string;
  onDone: () => void;
}) {
  const t = useT();
  const [mode, setMode] = useState<'correct' | 'retract' | null>(null);
  const [text, setText] = useState(narrative);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      if (mode === 'correct') {
        await mutate(CorrectPublicationMutation, {
          input: { publicationId, text, reason: reason.trim() },
        });
      } else {
        await mutate(RetractPublicationMutation, {
          input: { publicationId, reason: reason.trim() },
        });
      }
      setResult({ kind: 'ok' });
      setMode(null);
      setReason('');
      onDone();
    } catch (error) {
      setResult({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div class="row">
        <button
          type="button"
          class="btn"
          aria-pressed={mode === 'correct'}
          onClick={() => setMode(mode === 'correct' ? null : 'correct')}
        >
          {t('act.correct')}
        </button>
        <button
          type="button"
          class="btn"
          aria-pressed={mode === 'retract'}
          onClick={() => setMode(mode === 'retract' ? null : 'retract')}
        >
          {t('act.retract')}
        </button>
      </div>
      {mode && (
        <form onSubmit={(e) => void submit(e)}>
          <p class="muted">{t(mode === 'correct' ? 'act.correctHint' : 'act.retractHint')}</p>
          {mode === 'correct' && (
            <label class="field">
              <span>{t('act.correctText')}</span>
              <textarea
                name="correctedText"
                required
                rows={6}
                value={text}
                onInput={(e) => setText(e.currentTarget.value)}
              />
            </label>
          )}
          <label class="field">
            <span>{t('act.reasonLog')}</span>
            <input
              name="reason"
              required
              maxLength={500}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <button
            type="submit"
            class={mode === 'retract' ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={busy || !reason.trim() || (mode === 'correct' && !text.trim())}
          >
            {t(mode === 'correct' ? 'act.correct' : 'act.retract')}
          </button>
        </form>
      )}
      <ResultNotice result={result} t={t} onReload={onDone} />
    </div>
  );
}
