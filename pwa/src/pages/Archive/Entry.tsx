// The archive entry of a request: where it is filed, who may read it, how long it is kept,
// what the retention review decided, and the proof of what went out on each channel.
import type { RequestFieldsFragment } from '../../graphql/gen/graphql';
import { useT } from '../../hooks';
import { formatDate, formatWib } from '../../lib/time';
import styles from './style.module.css';

type Entry = NonNullable<RequestFieldsFragment['archiveEntry']>;

export function ArchiveEntryView({ entry }: { entry: Entry }) {
  const t = useT();
  return (
    <div class="card">
      <dl class="facts">
        <dt>{t('act.classification')}</dt>
        <dd>
          {entry.classificationCode}
          {entry.classification && ` — ${entry.classification.title}`}
        </dd>
        <dt>{t('act.accessClass')}</dt>
        <dd>{t.enumLabel('access', entry.accessClass)}</dd>
        <dt>{t('act.retention')}</dt>
        <dd>
          {entry.retentionYears} ·{' '}
          {t('req.retainUntil', { date: formatDate(entry.retainUntil, t.lang) })}
        </dd>
        {entry.retentionDecision && (
          <>
            <dt>{t('archive.decision')}</dt>
            <dd>
              {t.enumLabel('retention', entry.retentionDecision)}
              {entry.retentionNote && ` · ${entry.retentionNote}`}
            </dd>
          </>
        )}
        <dt>{t('req.done')}</dt>
        <dd>
          {formatWib(entry.archivedAt, t.lang)} · {entry.archivedBy?.fullName}
        </dd>
      </dl>
      {entry.deliveryProofs.length > 0 && (
        <>
          <h3>{t('archive.proofs')}</h3>
          <ul class={styles.proofs}>
            {entry.deliveryProofs.map((p) => (
              <li key={`${p.channel?.id}-${p.sentAt}`}>
                <strong>{p.channel?.name ?? '—'}</strong> · {formatWib(p.sentAt, t.lang)}
                {p.messageLink && (
                  <div>
                    <a href={p.messageLink} target="_blank" rel="noreferrer">
                      {p.messageLink}
                    </a>
                  </div>
                )}
                <div class={styles.hash}>SHA-256 {p.sha256 ?? t('archive.noHash')}</div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
