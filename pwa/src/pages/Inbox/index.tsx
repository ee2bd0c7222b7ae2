import { useEffect } from 'preact/hooks';
import { Countdown } from '../../components/Countdown';
import { Notice } from '../../components/Notice';
import { client } from '../../graphql/client';
import { cachedQuery } from '../../graphql/offline';
import { InboxChangedSubscription, InboxQuery } from '../../graphql/operations';
import { navigate, useLoad, useT } from '../../hooks';
import { routePath } from '../../lib/route';
import { formatWib } from '../../lib/time';
import { byUrgency } from '../../lib/urgency';
import styles from './style.module.css';

export function Inbox() {
  const t = useT();
  const { data, error, loading, savedAt, reload } = useLoad(
    () => cachedQuery('inbox', InboxQuery, {}),
    [],
  );

  // Live updates: the server says something in my inbox changed; re-read it.
  useEffect(() => {
    const sub = client.subscription(InboxChangedSubscription, {}).subscribe((result) => {
      if (result.data) reload();
    });
    const onVisible = () => document.visibilityState === 'visible' && reload();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      sub.unsubscribe();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);

  const items = data
    ? [...data.inbox].sort((a, b) =>
        byUrgency(
          { deadline: a.deadline, priority: a.disposition?.priority ?? a.request.priority },
          { deadline: b.deadline, priority: b.disposition?.priority ?? b.request.priority },
        ),
      )
    : [];

  return (
    <section>
      <h1>{t('inbox.title')}</h1>
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
      {data && items.length === 0 && <p class={styles.empty}>{t('inbox.empty')}</p>}
      <ul class={styles.list} aria-label={t('inbox.title')}>
        {items.map((item) => {
          const r = item.request;
          const href = routePath({ name: 'request', id: r.id });
          return (
            <li key={r.id}>
              <a
                href={href}
                class={styles.item}
                data-overdue={item.overdue ? 'true' : 'false'}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(href);
                }}
              >
                <div class={styles.top}>
                  <span class="muted">{r.agendaNumber}</span>
                  {item.disposition && !item.disposition.readAt && (
                    <span class="badge">{t('inbox.unread')}</span>
                  )}
                  {item.disposition?.priority && item.disposition.priority !== 'BIASA' && (
                    <span class="badge badge-warn">
                      {t.enumLabel('prio', item.disposition.priority)}
                    </span>
                  )}
                </div>
                <strong class={styles.title}>{r.title}</strong>
                <span class="muted">{r.unit}</span>
                <div class={styles.bottom}>
                  <span>
                    {item.disposition
                      ? t.enumLabel('step', item.disposition.step)
                      : t('inbox.returned')}
                  </span>
                  {item.deadline && <Countdown deadline={item.deadline} />}
                </div>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
