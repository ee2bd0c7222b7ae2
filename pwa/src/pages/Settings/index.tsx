import { useState } from 'preact/hooks';
import { Chips } from '../../components/Chips';
import { mutateAnonymously } from '../../graphql/client';
import { flushOutbox, outbox } from '../../graphql/offline';
import { LogoutMutation } from '../../graphql/operations';
import { saveSession, session } from '../../graphql/session';
import { navigate, setLang, useStore, useT } from '../../hooks';
import { idbClear } from '../../lib/idb';
import { enablePush, pushSupported, unregisterPush } from '../../sw/register';
import { TelegramSection } from './Telegram';

type PushState = NotificationPermission | 'failed' | 'unsupported';

function pushState(): PushState {
  return pushSupported() ? Notification.permission : 'unsupported';
}

export function Settings() {
  const t = useT();
  const s = useStore(session);
  const [push, setPush] = useState<PushState>(pushState);
  const turnOnPush = async () => {
    const on = await enablePush().catch(() => false);
    setPush(on ? 'granted' : pushState() === 'denied' ? 'denied' : 'failed');
  };
  const signOut = async () => {
    // Queued actions would be sent as this person: try them now, and ask before dropping any.
    await flushOutbox();
    const waiting = outbox.get().filter((a) => a.status === 'pending').length;
    if (waiting > 0 && !window.confirm(t('settings.dropQueued', { n: waiting }))) return;
    // While still signed in: this phone must stop getting this person's notifications.
    await unregisterPush().catch(() => undefined);
    const current = session.get();
    saveSession(null);
    // The offline copies belong to this person; the queue too (it would be sent as them).
    await Promise.all([idbClear('cache'), idbClear('queue')]);
    if (current)
      await mutateAnonymously(LogoutMutation, { refreshToken: current.refreshToken }).catch(
        () => undefined,
      );
    navigate('/signin', true);
  };
  return (
    <section>
      <h1>{t('settings.title')}</h1>
      <div class="card">
        <p>{t('settings.signedInAs', { name: s?.user.fullName ?? '' })}</p>
        <p class="muted">
          {t('settings.roles')}: {s?.user.roles.map((r) => t.enumLabel('role', r)).join(', ')}
        </p>
      </div>
      <div class="card">
        <Chips
          legend={t('settings.language')}
          name="lang"
          value={t.lang}
          options={[
            { value: 'id', label: 'Bahasa Indonesia' },
            { value: 'en', label: 'English' },
          ]}
          onChange={setLang}
        />
      </div>
      {push !== 'unsupported' && (
        <div class="card">
          <h2>{t('settings.notifications')}</h2>
          {push === 'granted' && <p>{t('settings.notifyOn')}</p>}
          {push === 'denied' && <p class="muted">{t('settings.notifyBlocked')}</p>}
          {push === 'failed' && <p class="muted">{t('settings.notifyFailed')}</p>}
          {push !== 'granted' && push !== 'denied' && (
            <button type="button" class="btn btn-block" onClick={() => void turnOnPush()}>
              {t('settings.notifyEnable')}
            </button>
          )}
        </div>
      )}
      <TelegramSection />
      <button type="button" class="btn btn-danger btn-block" onClick={() => void signOut()}>
        {t('settings.signOut')}
      </button>
    </section>
  );
}
