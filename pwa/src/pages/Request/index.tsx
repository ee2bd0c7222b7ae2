import { useEffect, useState } from 'preact/hooks';
import { Attachments } from '../../components/Attachments';
import { DiffView } from '../../components/DiffView';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { Timeline } from '../../components/Timeline';
import { client, mutate } from '../../graphql/client';
import type { RequestFieldsFragment } from '../../graphql/gen/graphql';
import { cachedQuery, online, outbox, rememberQuery } from '../../graphql/offline';
import {
  MarkDispositionReadMutation,
  RequestQuery,
  RequestUpdatedSubscription,
} from '../../graphql/operations';
import { session } from '../../graphql/session';
import { useLoad, useStore, useT } from '../../hooks';
import { pendingFor } from '../../lib/queue';
import { formatDate, formatWib } from '../../lib/time';
import { ArchiveEntryView } from '../Archive/Entry';
import { Actions, Publications } from './Actions';
import styles from './style.module.css';

interface Props {
  id: string;
}

const CHECKS = [
  'letterAttached',
  'requesterIdentified',
  'scheduleClear',
  'contactClear',
  'mediaSuitable',
] as const;

function VersionCompare({ request }: { request: RequestFieldsFragment }) {
  const t = useT();
  const versions = request.contentVersions;
  const [from, setFrom] = useState(versions[0]?.version ?? 1);
  const [to, setTo] = useState(versions[versions.length - 1]?.version ?? 1);
  if (versions.length < 2) return null;
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  const options = versions.map((v) => (
    <option key={v.version} value={v.version}>
      {t('req.version', { n: v.version })} · {v.author?.fullName ?? ''} ·{' '}
      {formatWib(v.createdAt, t.lang)}
    </option>
  ));
  return (
    <details class={styles.compare}>
      <summary>{t('req.compare')}</summary>
      <div class={styles.compareSelects}>
        <label class="field">
          <span>{t('req.from')}</span>
          <select value={from} onChange={(e) => setFrom(Number(e.currentTarget.value))}>
            {options}
          </select>
        </label>
        <label class="field">
          <span>{t('req.to')}</span>
          <select value={to} onChange={(e) => setTo(Number(e.currentTarget.value))}>
            {options}
          </select>
        </label>
      </div>
      {a && b && (
        <DiffView
          label={t('req.compare')}
          before={`${a.title}\n\n${a.narrative}`}
          after={`${b.title}\n\n${b.narrative}`}
        />
      )}
    </details>
  );
}

export function RequestDetail({ id }: Props) {
  const t = useT();
  const me = useStore(session)?.user;
  const queued = useStore(outbox);
  const isOnline = useStore(online);
  const { data, error, loading, savedAt, reload, setData } = useLoad(
    () => cachedQuery(`request:${id}`, RequestQuery, { id }),
    [id],
  );
  const request = data?.request ?? null;

  useEffect(() => {
    const sub = client.subscription(RequestUpdatedSubscription, { id }).subscribe((result) => {
      if (result.data && result.data.requestUpdated.version !== request?.version) reload();
    });
    return () => sub.unsubscribe();
  }, [id, reload, request?.version]);

  // Opening a disposition addressed to me marks it read (the sheet records when).
  const open = request?.openDisposition;
  useEffect(() => {
    if (!open || open.readAt || !me || !isOnline) return;
    const mine = me.roles.includes(open.toRole) && (!open.to || open.to.id === me.id);
    if (mine) void mutate(MarkDispositionReadMutation, { id: open.id }).catch(() => undefined);
  }, [open?.id, open?.readAt, me, isOnline, open]);

  const updated = (next: RequestFieldsFragment) => {
    setData({ request: next });
    void rememberQuery(`request:${id}`, { request: next });
  };

  if (!request) {
    return (
      <section>
        {loading && <p class="muted">{t('common.loading')}</p>}
        {error !== null && (
          <Notice kind="error">
            {t.error(error)}{' '}
            <button type="button" class="btn" onClick={reload}>
              {t('common.retry')}
            </button>
          </Notice>
        )}
      </section>
    );
  }

  const pending = pendingFor(queued, request.id);
  const closed = ['ARCHIVED', 'REJECTED', 'WITHDRAWN'].includes(request.status);
  return (
    <article>
      {savedAt && (
        <Notice kind="warn">{t('common.offlineCopy', { time: formatWib(savedAt, t.lang) })}</Notice>
      )}
      <p class="muted">{request.agendaNumber}</p>
      <h1>{request.title}</h1>
      <div class="row" style={{ marginBottom: '12px' }}>
        <span class={closed ? 'badge badge-ok' : 'badge'} data-testid="status">
          {t.enumLabel('status', request.status)}
        </span>
        {request.sla.overdue && <span class="badge badge-danger">{t('req.missed')}</span>}
        {closed && (
          <span class={request.sla.allMet ? 'badge badge-ok' : 'badge badge-danger'}>
            {request.sla.allMet ? t('req.slaAllMet') : t('req.slaMissed')}
          </span>
        )}
      </div>

      {pending ? (
        <Notice kind="warn">{t('req.pendingOffline', { label: pending.label })}</Notice>
      ) : (
        me && <Actions request={request} me={me} onUpdated={updated} onReload={reload} />
      )}

      <section class="card" aria-labelledby="facts">
        <h2 id="facts" class="visually-hidden">
          {t('req.status')}
        </h2>
        <dl class="facts">
          <dt>{t('req.unit')}</dt>
          <dd>{request.unit}</dd>
          <dt>{t('req.audience')}</dt>
          <dd>{request.audience}</dd>
          <dt>{t('req.desiredDate')}</dt>
          <dd>{formatDate(request.desiredDate, t.lang)}</dd>
          <dt>{t('req.requester')}</dt>
          <dd>{request.requester?.fullName ?? '—'}</dd>
          <dt>{t('req.submittedAt')}</dt>
          <dd>{formatWib(request.submittedAt, t.lang)}</dd>
          <dt>{t('req.priority')}</dt>
          <dd>{t.enumLabel('prio', request.priority)}</dd>
          {request.holderRole && (
            <>
              <dt>{t('req.holder')}</dt>
              <dd>{request.holder?.fullName ?? t.enumLabel('role', request.holderRole)}</dd>
            </>
          )}
        </dl>
        {request.rejectionReason && (
          <p>
            <strong>{t('req.rejection')}:</strong> {request.rejectionReason}
          </p>
        )}
      </section>

      <section aria-labelledby="content">
        <h2 id="content">
          {t('req.content')}{' '}
          {request.content && (
            <span class="muted">({t('req.version', { n: request.content.version })})</span>
          )}
        </h2>
        <div class={`card ${styles.narrative}`}>
          <strong>{request.content?.title ?? request.title}</strong>
          <p>{request.content?.narrative}</p>
        </div>
        <VersionCompare request={request} />
      </section>

      <section aria-labelledby="attachments">
        <h2 id="attachments">{t('req.attachments')}</h2>
        <Attachments attachments={request.attachments} />
      </section>

      <section aria-labelledby="chain">
        <h2 id="chain">{t('req.chain')}</h2>
        <Timeline dispositions={request.dispositions} />
      </section>

      {request.checklist && (
        <section aria-labelledby="checklist">
          <h2 id="checklist">{t('req.checklist')}</h2>
          <ul class={`card ${styles.checks}`}>
            {CHECKS.map((c) => (
              <li key={c} class={styles.checkItem}>
                <Icon name={request.checklist?.[c] ? 'check' : 'x'} /> {t(`check.${c}`)}
              </li>
            ))}
          </ul>
        </section>
      )}

      {request.reviews.length > 0 && (
        <section aria-labelledby="reviews">
          <h2 id="reviews">{t('req.reviews')}</h2>
          {request.reviews.map((r) => (
            <div key={r.id} class="card">
              <span class={r.verdict === 'FIT' ? 'badge badge-ok' : 'badge badge-danger'}>
                {t.enumLabel('verdict', r.verdict)}
              </span>{' '}
              <span class="muted">
                {r.reviewer?.fullName} · {formatWib(r.createdAt, t.lang)} ·{' '}
                {t('req.version', { n: r.contentVersion })}
              </span>
              {r.comment && <p>{r.comment}</p>}
            </div>
          ))}
        </section>
      )}

      {(request.publications.length > 0 || request.channels.length > 0) && (
        <section aria-labelledby="publications">
          <h2 id="publications">{t('req.publications')}</h2>
          <Publications request={request} me={me ?? null} onReload={reload} />
        </section>
      )}

      {request.archiveEntry && (
        <section aria-labelledby="archive">
          <h2 id="archive">{t('req.archive')}</h2>
          <ArchiveEntryView entry={request.archiveEntry} />
        </section>
      )}
    </article>
  );
}
