import { useState } from 'preact/hooks';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { mutate } from '../../graphql/client';
import type {
  ChannelsQuery as ChannelsData,
  Role,
  SlaStandardsQuery as SlaData,
  UserFieldsFragment,
} from '../../graphql/gen/graphql';
import { cachedQuery } from '../../graphql/offline';
import {
  ChannelsQuery,
  CheckChannelMutation,
  CreateChannelMutation,
  CreateUserMutation,
  GrantRolesMutation,
  RevokeRolesMutation,
  SlaStandardsQuery,
  UpdateChannelMutation,
  UpdateSlaStandardMutation,
  UpdateUserMutation,
  UsersQuery,
} from '../../graphql/operations';
import { navigate, useLoad, useT } from '../../hooks';
import { routePath } from '../../lib/route';
import { formatWib } from '../../lib/time';
import { Classifications } from '../Archive/Classifications';
import styles from './style.module.css';

type Tab = 'users' | 'channels' | 'sla' | 'classifications';
const ROLES: readonly Role[] = [
  'REQUESTER',
  'VICE_RECTOR',
  'BUREAU_HEAD',
  'PKIH_COORDINATOR',
  'HUMAS_DEPUTY',
  'STAFF',
  'ADMIN',
];

type Status = { kind: 'ok'; text: string } | { kind: 'error'; error: unknown } | null;

function StatusNotice({ status }: { status: Status }) {
  const t = useT();
  if (!status) return null;
  return status.kind === 'ok' ? (
    <Notice kind="ok">{status.text}</Notice>
  ) : (
    <Notice kind="error">{t.error(status.error)}</Notice>
  );
}

function UserCard({ user, onChange }: { user: UserFieldsFragment; onChange: () => void }) {
  const t = useT();
  const [status, setStatus] = useState<Status>(null);
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setStatus({ kind: 'ok', text: t('admin.saved') });
      onChange();
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  };
  return (
    <li class="card" data-username={user.username}>
      <div class={styles.userHead}>
        <div>
          <strong>{user.fullName}</strong> <span class="muted">@{user.username}</span>
          {user.unit && <div class="muted">{user.unit}</div>}
        </div>
        <span class={user.active ? 'badge badge-ok' : 'badge badge-danger'}>
          {user.active ? t('admin.active') : t('admin.inactive')}
        </span>
      </div>
      <details>
        <summary class={styles.summary}>{t('admin.roles')}</summary>
        {ROLES.map((role) => (
          <label key={role} class="check">
            <input
              type="checkbox"
              checked={user.roles.includes(role)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                void run(() =>
                  mutate(on ? GrantRolesMutation : RevokeRolesMutation, {
                    userId: user.id,
                    roles: [role],
                  }),
                );
              }}
            />
            <span>{t.enumLabel('role', role)}</span>
          </label>
        ))}
        <button
          type="button"
          class="btn btn-block"
          onClick={() =>
            void run(() =>
              mutate(UpdateUserMutation, { input: { userId: user.id, active: !user.active } }),
            )
          }
        >
          {user.active ? t('admin.deactivate') : t('admin.activate')}
        </button>
      </details>
      <StatusNotice status={status} />
    </li>
  );
}

function Users() {
  const t = useT();
  const users = useLoad(() => cachedQuery('admin:users', UsersQuery, {}), []);
  const [username, setUsername] = useState('');
  const [fullName, setFullName] = useState('');
  const [unit, setUnit] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['REQUESTER']);
  const [status, setStatus] = useState<Status>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const data = await mutate(CreateUserMutation, {
        input: {
          username: username.trim(),
          fullName: fullName.trim(),
          unit: unit.trim() || null,
          roles,
          password: password || null,
        },
      });
      setStatus({
        kind: 'ok',
        text: t('admin.created', { password: data.createUser.generatedPassword ?? '••••••' }),
      });
      setUsername('');
      setFullName('');
      setUnit('');
      setPassword('');
      users.reload();
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  };
  return (
    <>
      <details class="card">
        <summary class={styles.summary}>
          <Icon name="plus" /> {t('admin.newUser')}
        </summary>
        <form onSubmit={create}>
          <label class="field">
            <span>{t('admin.username')}</span>
            <input
              type="text"
              name="newUsername"
              required
              autoCapitalize="none"
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>{t('admin.fullName')}</span>
            <input
              type="text"
              name="newFullName"
              required
              value={fullName}
              onInput={(e) => setFullName(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>{t('admin.unit')}</span>
            <input
              type="text"
              name="newUnit"
              value={unit}
              onInput={(e) => setUnit(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>{t('admin.password')}</span>
            <input
              type="password"
              name="newPassword"
              autoComplete="new-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <fieldset>
            <legend>{t('admin.roles')}</legend>
            {ROLES.map((role) => (
              <label key={role} class="check">
                <input
                  type="checkbox"
                  name="newRole"
                  value={role}
                  checked={roles.includes(role)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setRoles((rs) => (on ? [...rs, role] : rs.filter((r) => r !== role)));
                  }}
                />
                <span>{t.enumLabel('role', role)}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" class="btn btn-primary btn-block">
            {t('admin.create')}
          </button>
        </form>
        <StatusNotice status={status} />
      </details>
      {users.error !== null && <Notice kind="error">{t.error(users.error)}</Notice>}
      <ul class={styles.list}>
        {users.data?.users.map((u) => (
          <UserCard key={u.id} user={u} onChange={users.reload} />
        ))}
      </ul>
    </>
  );
}

type Channel = ChannelsData['channels'][number];

function ChannelForm({ channel, onSaved }: { channel: Channel | null; onSaved: () => void }) {
  const t = useT();
  const [name, setName] = useState(channel?.name ?? '');
  const [chatRef, setChatRef] = useState(channel?.chatRef ?? '');
  const [description, setDescription] = useState(channel?.description ?? '');
  const [linkPreview, setLinkPreview] = useState(channel?.linkPreview ?? true);
  const [silent, setSilent] = useState(channel?.silent ?? false);
  const [active, setActive] = useState(channel?.active ?? true);
  const [status, setStatus] = useState<Status>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = {
      name: name.trim(),
      chatRef: chatRef.trim(),
      description: description.trim() || null,
      linkPreview,
      silent,
      active,
    };
    try {
      if (channel) await mutate(UpdateChannelMutation, { id: channel.id, input });
      else await mutate(CreateChannelMutation, { input });
      setStatus({ kind: 'ok', text: t('admin.saved') });
      if (!channel) {
        setName('');
        setChatRef('');
        setDescription('');
      }
      onSaved();
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  };
  return (
    <form onSubmit={submit}>
      <label class="field">
        <span>{t('admin.channelName')}</span>
        <input
          type="text"
          name="channelName"
          required
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('admin.chatRef')}</span>
        <input
          type="text"
          name="chatRef"
          required
          autoCapitalize="none"
          value={chatRef}
          onInput={(e) => setChatRef(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('admin.description')}</span>
        <input
          type="text"
          name="channelDescription"
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={linkPreview}
          onChange={(e) => setLinkPreview(e.currentTarget.checked)}
        />
        <span>{t('admin.linkPreview')}</span>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={silent}
          onChange={(e) => setSilent(e.currentTarget.checked)}
        />
        <span>{t('admin.silent')}</span>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={active}
          onChange={(e) => setActive(e.currentTarget.checked)}
        />
        <span>{t('admin.active')}</span>
      </label>
      <button type="submit" class="btn btn-primary btn-block">
        {channel ? t('common.save') : t('admin.create')}
      </button>
      <StatusNotice status={status} />
    </form>
  );
}

/** What Telegram said the last time the channel was checked, and a button to ask again. */
function ChannelCheck({ channel, onChecked }: { channel: Channel; onChecked: () => void }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const again = async () => {
    setBusy(true);
    setError(null);
    try {
      await mutate(CheckChannelMutation, { id: channel.id });
      onChecked();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const status = channel.checkStatus;
  const badge = status === 'OK' ? 'badge badge-ok' : status ? 'badge badge-danger' : 'badge';
  return (
    <div class={styles.check}>
      <span class={badge}>{status ? t(`admin.check${status}`) : t('admin.checkNever')}</span>
      {channel.checkedAt && (
        <span class="muted">
          {' '}
          {t('admin.checkedAt', { time: formatWib(channel.checkedAt, t.lang) })}
        </span>
      )}
      {channel.checkProblem && <p class="muted">{channel.checkProblem}</p>}
      <button type="button" class="btn" disabled={busy} onClick={again}>
        {t('admin.checkAgain')}
      </button>
      {error !== null && <Notice kind="error">{t.error(error)}</Notice>}
    </div>
  );
}

function Channels() {
  const t = useT();
  const channels = useLoad(
    () => cachedQuery('admin:channels', ChannelsQuery, { includeInactive: true }),
    [],
  );
  return (
    <>
      <details class="card">
        <summary class={styles.summary}>
          <Icon name="plus" /> {t('admin.newChannel')}
        </summary>
        <ChannelForm channel={null} onSaved={channels.reload} />
      </details>
      {channels.error !== null && <Notice kind="error">{t.error(channels.error)}</Notice>}
      <ul class={styles.list}>
        {channels.data?.channels.map((c) => (
          <li key={c.id} class="card">
            <div class={styles.userHead}>
              <div>
                <strong>{c.name}</strong> <span class="muted">{c.chatRef}</span>
              </div>
              <span class={c.active ? 'badge badge-ok' : 'badge badge-danger'}>
                {c.active ? t('admin.active') : t('admin.inactive')}
              </span>
            </div>
            <ChannelCheck channel={c} onChecked={channels.reload} />
            <details>
              <summary class={styles.summary}>{t('admin.edit')}</summary>
              <ChannelForm channel={c} onSaved={channels.reload} />
            </details>
          </li>
        ))}
      </ul>
    </>
  );
}

function SlaRow({
  standard,
  onSaved,
}: {
  standard: SlaData['slaStandards'][number];
  onSaved: () => void;
}) {
  const t = useT();
  const [minutes, setMinutes] = useState(String(standard.minutes));
  const [working, setWorking] = useState(standard.workingHoursOnly);
  const [status, setStatus] = useState<Status>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await mutate(UpdateSlaStandardMutation, {
        step: standard.step,
        minutes: Number(minutes),
        workingHoursOnly: working,
      });
      setStatus({ kind: 'ok', text: t('admin.saved') });
      onSaved();
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  };
  return (
    <li class="card">
      <form onSubmit={submit}>
        <h3>{t.enumLabel('step', standard.step)}</h3>
        <label class="field">
          <span>{t('admin.minutes')}</span>
          <input
            type="number"
            min={1}
            required
            name={`minutes-${standard.stepNumber}`}
            value={minutes}
            onInput={(e) => setMinutes(e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={working}
            onChange={(e) => setWorking(e.currentTarget.checked)}
          />
          <span>{t('admin.workingHours')}</span>
        </label>
        <button type="submit" class="btn btn-block">
          {t('common.save')}
        </button>
        <StatusNotice status={status} />
      </form>
    </li>
  );
}

function Sla() {
  const t = useT();
  const sla = useLoad(() => cachedQuery('admin:sla', SlaStandardsQuery, {}), []);
  return (
    <>
      {sla.error !== null && <Notice kind="error">{t.error(sla.error)}</Notice>}
      <ul class={styles.list}>
        {sla.data?.slaStandards.map((s) => (
          <SlaRow key={s.step} standard={s} onSaved={sla.reload} />
        ))}
      </ul>
    </>
  );
}

export function Admin({ tab }: { tab: Tab }) {
  const t = useT();
  const tabs: { id: Tab; label: string }[] = [
    { id: 'users', label: t('admin.users') },
    { id: 'channels', label: t('admin.channels') },
    { id: 'sla', label: t('admin.sla') },
    { id: 'classifications', label: t('admin.classifications') },
  ];
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      <nav class={styles.tabs} aria-label={t('admin.title')}>
        {tabs.map((x) => {
          const href = routePath({ name: 'admin', tab: x.id });
          return (
            <a
              key={x.id}
              href={href}
              class={styles.tab}
              aria-current={x.id === tab ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(href, true);
              }}
            >
              {x.label}
            </a>
          );
        })}
      </nav>
      {tab === 'users' && <Users />}
      {tab === 'channels' && <Channels />}
      {tab === 'sla' && <Sla />}
      {tab === 'classifications' && <Classifications />}
    </section>
  );
}
