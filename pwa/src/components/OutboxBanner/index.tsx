import { AppError, errorMessage } from '../../graphql/errors';
import { dismissQueued, flushOutbox, online, outbox } from '../../graphql/offline';
import { navigate, useStore, useT } from '../../hooks';
import { routePath } from '../../lib/route';
import styles from './style.module.css';

/** Actions waiting for a connection, and those the server refused (a conflict is shown here). */
export function OutboxBanner() {
  const t = useT();
  const items = useStore(outbox);
  const isOnline = useStore(online);
  const pending = items.filter((a) => a.status === 'pending');
  const refused = items.filter((a) => a.status === 'failed');
  if (isOnline && items.length === 0) return null;
  return (
    <section class={styles.banner} aria-label="Outbox">
      {!isOnline && (
        <p class={styles.offline} role="status">
          {t('common.offline')}
        </p>
      )}
      {pending.length > 0 && (
        <div class={styles.line} role="status">
          <span>{t('outbox.waiting', { n: pending.length })}</span>
          <button type="button" class="btn" onClick={() => void flushOutbox()}>
            {t('outbox.sendNow')}
          </button>
        </div>
      )}
      {refused.map((a) => (
        <div key={a.id} class={styles.refused} role="alert" data-code={a.error?.code}>
          <strong>{t('outbox.refused', { label: a.label })}</strong>
          <p>
            {errorMessage(
              new AppError(
                a.error?.code === undefined ? 'UNKNOWN' : (a.error.code as AppError['code']),
                a.error?.message ?? '',
              ),
              t.lang,
            )}
          </p>
          <div class="row">
            <button
              type="button"
              class="btn"
              onClick={() => navigate(routePath({ name: 'request', id: a.requestId }))}
            >
              {t('outbox.open')}
            </button>
            <button type="button" class="btn" onClick={() => void dismissQueued(a.id)}>
              {t('outbox.dismiss')}
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
