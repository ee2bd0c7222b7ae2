import type { DispositionFieldsFragment } from '../../graphql/gen/graphql';
import { useT } from '../../hooks';
import { formatSpan, formatWib } from '../../lib/time';
import { Countdown } from '../Countdown';
import styles from './style.module.css';

interface Props {
  dispositions: readonly DispositionFieldsFragment[];
}

/** The chain of dispositions: the electronic *lembar disposisi*, one entry per step. */
export function Timeline({ dispositions }: Props) {
  const t = useT();
  if (dispositions.length === 0) return <p class="muted">{t('req.chainEmpty')}</p>;
  return (
    <ol class={styles.timeline}>
      {dispositions.map((d) => {
        const state =
          d.sla.met === true ? 'met' : d.sla.met === false || d.sla.overdue ? 'missed' : 'open';
        return (
          <li key={d.id} class={styles.item} data-state={state}>
            <div class={styles.head}>
              <strong>{t.enumLabel('step', d.step)}</strong>
              {state === 'met' && <span class="badge badge-ok">{t('req.met')}</span>}
              {state === 'missed' && <span class="badge badge-danger">{t('req.missed')}</span>}
              {state === 'open' && !d.doneAt && <Countdown deadline={d.slaDeadline} />}
            </div>
            <p class={styles.who}>
              {d.from?.fullName ?? '—'} → {d.to?.fullName ?? t.enumLabel('role', d.toRole)}
            </p>
            <dl class="facts">
              {(d.instruction || d.instructionText) && (
                <>
                  <dt>{t('req.instruction')}</dt>
                  <dd>
                    {[d.instruction ? t.enumLabel('instr', d.instruction) : null, d.instructionText]
                      .filter(Boolean)
                      .join(' — ')}
                  </dd>
                </>
              )}
              <dt>{t('req.priority')}</dt>
              <dd>{t.enumLabel('prio', d.priority)}</dd>
              {d.note && (
                <>
                  <dt>{t('req.note')}</dt>
                  <dd>{d.note}</dd>
                </>
              )}
              <dt>{t('req.submittedAt')}</dt>
              <dd>{formatWib(d.createdAt, t.lang)}</dd>
              <dt>{t('req.deadline')}</dt>
              <dd>
                {formatWib(d.slaDeadline, t.lang)} ({d.sla.standardMinutes} min)
              </dd>
              {d.readAt && (
                <>
                  <dt>{t('req.readLabel')}</dt>
                  <dd>{formatWib(d.readAt, t.lang)}</dd>
                </>
              )}
              {d.doneAt && (
                <>
                  <dt>{t('req.done')}</dt>
                  <dd>
                    {formatWib(d.doneAt, t.lang)} ·{' '}
                    {formatSpan(d.sla.timeTakenSeconds * 1000, t.lang)}
                    {d.outcome ? ` · ${t.enumLabel('outcome', d.outcome)}` : ''}
                  </dd>
                </>
              )}
            </dl>
          </li>
        );
      })}
    </ol>
  );
}
