// Archive entries past their retention, for staff and admins to decide on: keep longer (with a
// new date), hand over to the records office, or approve destruction. Warta deletes nothing;
// the decision is recorded on the entry.
import { useState } from 'preact/hooks';
import { Notice } from '../../components/Notice';
import { mutate } from '../../graphql/client';
import type {
  ArchiveDueForReviewQuery as DueData,
  RetentionDecision,
} from '../../graphql/gen/graphql';
import { cachedQuery } from '../../graphql/offline';
import { ArchiveDueForReviewQuery, ReviewRetentionMutation } from '../../graphql/operations';
import { useLoad, useT } from '../../hooks';
import { routePath } from '../../lib/route';
import { formatDate } from '../../lib/time';
import styles from './style.module.css';

type Due = DueData['archiveDueForReview'][number];
const DECISIONS: readonly RetentionDecision[] = ['KEEP', 'TRANSFER', 'DESTROY_APPROVED'];

function DueEntry({ entry, onDone }: { entry: Due; onDone: () => void }) {
  const t = useT();
  const [decision, setDecision] = useState<RetentionDecision>('KEEP');
  const [keepUntil, setKeepUntil] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await mutate(ReviewRetentionMutation, {
        input: {
          requestId: entry.requestId,
          decision,
          keepUntil: decision === 'KEEP' ? keepUntil : null,
          note: note.trim() || null,
        },
      });
      setError(null);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card">
      <div class={styles.row}>
        <a href={routePath({ name: 'request', id: entry.requestId })}>
          <strong>{entry.title}</strong>
        </a>
        <span class="badge">{t.enumLabel('access', entry.accessClass)}</span>
      </div>
      <p class="muted">
        {entry.classificationCode} ·{' '}
        {t('req.retainUntil', { date: formatDate(entry.retainUntil, t.lang) })}
      </p>
      <form onSubmit={submit}>
        <label class="field">
          <span>{t('archive.decision')}</span>
          <select
            name="decision"
            value={decision}
            onChange={(e) => setDecision(e.currentTarget.value as RetentionDecision)}
          >
            {DECISIONS.map((d) => (
              <option key={d} value={d}>
                {t.enumLabel('retention', d)}
              </option>
            ))}
          </select>
        </label>
        {decision === 'KEEP' && (
          <label class="field">
            <span>{t('archive.keepUntil')}</span>
            <input
              type="date"
              name="keepUntil"
              required
              value={keepUntil}
              onInput={(e) => setKeepUntil(e.currentTarget.value)}
            />
          </label>
        )}
        <label class="field">
          <span>{t('archive.note')}</span>
          <textarea
            name="note"
            required={decision === 'DESTROY_APPROVED'}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {t('archive.record')}
        </button>
        {error !== null && <Notice kind="error">{t.error(error)}</Notice>}
      </form>
    </li>
  );
}

export function ArchiveReview() {
  const t = useT();
  const due = useLoad(() => cachedQuery('archive:due', ArchiveDueForReviewQuery, {}), []);
  const entries = due.data?.archiveDueForReview ?? [];
  return (
    <section>
      <h1>{t('archive.title')}</h1>
      <p class="muted">{t('archive.intro')}</p>
      {due.error !== null && <Notice kind="error">{t.error(due.error)}</Notice>}
      {due.data && entries.length === 0 && <p>{t('archive.none')}</p>}
      <ul class={styles.list}>
        {entries.map((e) => (
          <DueEntry key={e.id} entry={e} onDone={due.reload} />
        ))}
      </ul>
    </section>
  );
}
