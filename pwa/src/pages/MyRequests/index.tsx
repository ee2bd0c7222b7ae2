import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { cachedQuery } from '../../graphql/offline';
import { MyRequestsQuery } from '../../graphql/operations';
import { navigate, useLoad, useT } from '../../hooks';
import { routePath } from '../../lib/route';
import { formatWib } from '../../lib/time';
import styles from './style.module.css';

const CLOSED = new Set(['ARCHIVED', 'REJECTED', 'WITHDRAWN']);

export function MyRequests() {
  const t = useT();
  const { data, error, savedAt, loading, reload } = useLoad(
    () => cachedQuery('mine', MyRequestsQuery, { first: 50 }),
    [],
  );
  const go = (href: string) => (e: Event) => {
    e.preventDefault();
    navigate(href);
  };
  return (
    <section>
      <h1>{t('mine.title')}</h1>
      <a class="btn btn-primary btn-block" href="/new" onClick={go('/new')}>
        <Icon name="plus" /> {t('mine.new')}
      </a>
      <div style={{ height: '12px' }} />
      {savedAt && (
        <Notice kind="warn">{t('common.offlineCopy', { time: formatWib(savedAt, t.lang) })}</Notice>
      )}
      {error !== null && !data && (
        <Notice kind="error">
          {t.error(error)}{' '}
          <button type="button" class="btn" onClick={reload}>
            {t('common.retry')}
          </button>
        </Notice>
      )}
      {loading && !data && <p class="muted">{t('common.loading')}</p>}
      {data?.requests.nodes.length === 0 && <p class="muted">{t('mine.empty')}</p>}
      <ul class={styles.list}>
        {data?.requests.nodes.map((r) => {
          const href = routePath({ name: 'request', id: r.id });
          const badge =
            r.status === 'RETURNED' || r.status === 'REJECTED'
              ? 'badge badge-danger'
              : CLOSED.has(r.status)
                ? 'badge badge-ok'
                : 'badge';
          return (
            <li key={r.id}>
              <a href={href} class={styles.item} onClick={go(href)}>
                <span class="muted">
                  {r.agendaNumber} · {formatWib(r.submittedAt, t.lang)}
                </span>
                <strong>{r.title}</strong>
                <span class={badge}>{t.enumLabel('status', r.status)}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
