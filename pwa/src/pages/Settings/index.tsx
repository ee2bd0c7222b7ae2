import { Chips } from '../../components/Chips';
import { mutateAnonymously } from '../../graphql/client';
import { flushOutbox, outbox } from '../../graphql/offline';
import { LogoutMutation } from '../../graphql/operations';
import { saveSession, session } from '../../graphql/session';
import { navigate, setLang, useStore, useT } from '../../hooks';
import { idbClear } from '../../lib/idb';

export function Settings() {
  const t = useT();
  const s = useStore(session);
  const signOut = async () => {
    // Queued actions would be sent as this person: try them now, and ask before dropping any.
    await flushOutbox();
    const waiting = outbox.get().filter((a) => a.status === 'pending').length;
    if (waiting > 0 && !window.confirm(t('settings.dropQueued', { n: waiting }))) return;
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
      <button type="button" class="btn btn-danger btn-block" onClick={() => void signOut()}>
        {t('settings.signOut')}
      </button>
    </section>
  );
}
