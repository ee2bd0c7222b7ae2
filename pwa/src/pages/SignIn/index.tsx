import { useState } from 'preact/hooks';
import { Notice } from '../../components/Notice';
import { mutateAnonymously } from '../../graphql/client';
import { LoginMutation } from '../../graphql/operations';
import { saveSession } from '../../graphql/session';
import { navigate, useT } from '../../hooks';
import styles from './style.module.css';

export function SignIn() {
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const data = await mutateAnonymously(LoginMutation, { username: username.trim(), password });
      saveSession(data.login);
      const roles = data.login.user.roles;
      navigate(roles.length === 1 && roles[0] === 'REQUESTER' ? '/mine' : '/', true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class={styles.wrap}>
      <div class={styles.brand}>
        <span class={styles.logo} aria-hidden="true">
          W
        </span>
        <div>
          <div class={styles.name}>{t('app.name')}</div>
          <div class="muted">{t('app.tagline')}</div>
        </div>
      </div>
      <h1>{t('signin.title')}</h1>
      {error !== null && <Notice kind="error">{t.error(error)}</Notice>}
      <form onSubmit={submit} class="card">
        <label class="field">
          <span>{t('signin.username')}</span>
          <input
            type="text"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('signin.password')}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? t('signin.busy') : t('signin.submit')}
        </button>
      </form>
    </div>
  );
}
