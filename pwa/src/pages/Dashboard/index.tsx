// The leadership's dashboard: per SOP step the median and p90 durations against the
// standard, the share on time, what is open and overdue now; a monthly trend of volume and
// on-time share; the publisher's outcomes per channel; CSV downloads. Hand-drawn SVG sized by
// viewBox, so it fits a 360 px phone; every chart has a title and its figures in text.
import { useState } from 'preact/hooks';
import { Notice } from '../../components/Notice';
import { attachmentObjectUrl } from '../../graphql/client';
import type { DashboardQuery as DashboardData } from '../../graphql/gen/graphql';
import { cachedQuery } from '../../graphql/offline';
import { DashboardQuery } from '../../graphql/operations';
import { useLoad, useT } from '../../hooks';
import { formatDate, formatWib, wibParts } from '../../lib/time';
import {
  bars,
  bullet,
  formatMinutes,
  linePath,
  monthsBack,
  niceCeiling,
  percent,
  seriesPoints,
  stack,
} from './chart';
import styles from './style.module.css';

type Sla = DashboardData['slaReport'];
type Volume = DashboardData['volumeReport'];
type Publisher = DashboardData['publisherReport'];

const CHART_WIDTH = 320;
const RANGES = [3, 6, 12] as const;

function todayWib(): string {
  const p = wibParts(new Date());
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** `Nov` from `2026-11-01`. */
function monthLabel(date: string, lang: 'id' | 'en'): string {
  return formatDate(date, lang).split(' ')[1] ?? date;
}

function StepRow({ step }: { step: Sla['steps'][number] }) {
  const t = useT();
  const f = step.figures;
  const b = bullet(f.medianMinutes, f.p90Minutes, step.standardMinutes, CHART_WIDTH);
  const name = t.enumLabel('step', f.step);
  const titleId = `step-${f.stepNumber}-title`;
  const median = formatMinutes(f.medianMinutes, t.lang);
  const p90 = formatMinutes(f.p90Minutes, t.lang);
  const standard = formatMinutes(step.standardMinutes, t.lang);
  const late = (isLate: boolean) => (isLate ? styles.late : styles.ok);
  return (
    <li class={styles.step}>
      <div class={styles.stepHead}>
        <strong>{name}</strong>
        <span
          class={
            f.onTimeShare == null
              ? 'badge'
              : f.onTimeShare >= 0.9
                ? 'badge badge-ok'
                : f.onTimeShare >= 0.7
                  ? 'badge badge-warn'
                  : 'badge badge-danger'
          }
        >
          {t('dash.onTime', { share: percent(f.onTimeShare) })}
        </span>
      </div>
      <svg
        class={styles.chart}
        viewBox={`0 0 ${CHART_WIDTH} 30`}
        role="img"
        aria-labelledby={titleId}
        preserveAspectRatio="none"
      >
        <title id={titleId}>{t('dash.stepChart', { step: name, median, p90, standard })}</title>
        <rect x="0" y="2" width={CHART_WIDTH} height="26" class={styles.track} />
        <rect x="0" y="6" width={b.p90} height="18" class={`${styles.p90} ${late(b.p90Late)}`} />
        <rect
          x="0"
          y="11"
          width={b.median}
          height="8"
          class={`${styles.median} ${late(b.medianLate)}`}
        />
        <line x1={b.standard} x2={b.standard} y1="0" y2="30" class={styles.standard} />
      </svg>
      <p class={styles.figures}>
        {t('dash.median')} <strong>{median}</strong> · {t('dash.p90')} <strong>{p90}</strong> ·{' '}
        {t('dash.standard')} {standard}
        {step.workingHoursOnly ? ` (${t('dash.workingHours')})` : ''}
      </p>
      <p class={`${styles.figures} muted`}>
        {t('dash.finished', { n: f.finished })} ·{' '}
        <span class={step.overdueNow > 0 ? styles.lateText : undefined}>
          {t('dash.openNow', { n: step.openNow, overdue: step.overdueNow })}
        </span>
      </p>
    </li>
  );
}

/** One value per month from `from` to `until`, empty months as 0 (volume) or null (share). */
function months(from: string, until: string): string[] {
  const out: string[] = [];
  for (
    let m = from.slice(0, 7);
    m <= until.slice(0, 7);
    m = monthsBack(`${m}-01`, -1).slice(0, 7)
  ) {
    out.push(`${m}-01`);
  }
  return out;
}

function Trend({ sla, volume }: { sla: Sla; volume: Volume }) {
  const t = useT();
  const axis = months(sla.from, sla.until);
  const submitted = axis.map(
    (m) => volume.periods.find((p) => p.periodStart === m)?.figures.submitted ?? 0,
  );
  const share = axis.map((m) => {
    const rows = sla.periods.filter((p) => p.periodStart === m);
    const finished = rows.reduce((sum, p) => sum + p.finished, 0);
    const onTime = rows.reduce((sum, p) => sum + p.onTime, 0);
    return finished > 0 ? onTime / finished : null;
  });
  const height = 80;
  const max = niceCeiling(Math.max(...submitted, 1));
  const volumeBars = bars(submitted, max, CHART_WIDTH, height);
  const slot = CHART_WIDTH / axis.length;
  const sharePoints = seriesPoints(share, 1, CHART_WIDTH - slot, height).map((p) =>
    p ? { x: p.x + slot / 2, y: p.y } : null,
  );
  const labels = axis.map((m) => monthLabel(m, t.lang));
  const volumeText = axis.map((_, i) => `${labels[i]} ${submitted[i]}`).join(', ');
  const shareText = axis.map((_, i) => `${labels[i]} ${percent(share[i])}`).join(', ');
  return (
    <section class="card" aria-labelledby="trend-title">
      <h2 id="trend-title">{t('dash.trend')}</h2>
      <h3 class={styles.sub}>{t('dash.volume')}</h3>
      <svg
        class={styles.chart}
        viewBox={`0 0 ${CHART_WIDTH} ${height + 16}`}
        role="img"
        aria-labelledby="volume-title"
      >
        <title id="volume-title">{t('dash.volumeChart', { values: volumeText })}</title>
        {volumeBars.map((b, i) => (
          <rect
            key={axis[i]}
            x={b.x}
            y={b.y}
            width={b.width}
            height={b.height}
            class={styles.bar}
          />
        ))}
        {axis.map((m, i) => (
          <text
            key={m}
            x={(i + 0.5) * slot}
            y={height + 13}
            class={styles.label}
            text-anchor="middle"
          >
            {labels[i]}
          </text>
        ))}
        <text x="2" y="10" class={styles.label}>
          {max}
        </text>
      </svg>
      <h3 class={styles.sub}>{t('dash.onTimeTrend')}</h3>
      <svg
        class={styles.chart}
        viewBox={`0 0 ${CHART_WIDTH} ${height + 16}`}
        role="img"
        aria-labelledby="share-title"
      >
        <title id="share-title">{t('dash.onTimeChart', { values: shareText })}</title>
        <line x1="0" x2={CHART_WIDTH} y1={height * 0.1} y2={height * 0.1} class={styles.grid} />
        <line x1="0" x2={CHART_WIDTH} y1={height} y2={height} class={styles.grid} />
        <path d={linePath(sharePoints)} class={styles.line} />
        {sharePoints.map(
          (p, i) => p && <circle key={axis[i]} cx={p.x} cy={p.y} r="3" class={styles.dot} />,
        )}
        {axis.map((m, i) => (
          <text
            key={m}
            x={(i + 0.5) * slot}
            y={height + 13}
            class={styles.label}
            text-anchor="middle"
          >
            {labels[i]}
          </text>
        ))}
        <text x="2" y={height * 0.1 - 2} class={styles.label}>
          90%
        </text>
      </svg>
      <p class={styles.figures}>
        {t('dash.totals', {
          submitted: volume.total.submitted,
          archived: volume.total.archived,
          rejected: volume.total.rejected,
          withdrawn: volume.total.withdrawn,
          inProgress: volume.total.inProgress,
        })}
      </p>
    </section>
  );
}

const OUTCOMES = ['sent', 'failed', 'uncertain', 'other'] as const;

function PublisherChart({ report }: { report: Publisher }) {
  const t = useT();
  const rows = [...report.channels.map((c) => ({ name: c.name, f: c.figures }))];
  return (
    <section class="card" aria-labelledby="publisher-title">
      <h2 id="publisher-title">{t('dash.publisher')}</h2>
      {rows.length === 0 && <p class="muted">{t('dash.noData')}</p>}
      <ul class={styles.list}>
        {rows.map(({ name, f }, i) => {
          const other = f.total - f.sent - f.failed - f.uncertain;
          const values = { sent: f.sent, failed: f.failed, uncertain: f.uncertain, other };
          const parts = stack(
            OUTCOMES.map((key) => ({ key, value: values[key] })),
            CHART_WIDTH,
          );
          const titleId = `pub-${i}-title`;
          return (
            <li key={name} class={styles.step}>
              <strong>{name}</strong>
              <svg
                class={styles.chart}
                viewBox={`0 0 ${CHART_WIDTH} 18`}
                role="img"
                aria-labelledby={titleId}
                preserveAspectRatio="none"
              >
                <title id={titleId}>{t('dash.pubChart', { channel: name, ...values })}</title>
                <rect x="0" y="0" width={CHART_WIDTH} height="18" class={styles.track} />
                {parts.map((p) => (
                  <rect
                    key={p.key}
                    x={p.x}
                    y="0"
                    width={p.width}
                    height="18"
                    class={styles[p.key]}
                  />
                ))}
              </svg>
              <p class={styles.figures}>
                {OUTCOMES.map((key) => (
                  <span key={key} class={styles.legend}>
                    <span class={`${styles.swatch} ${styles[key]}`} aria-hidden="true" />
                    {values[key]} {t(`dash.pub.${key}`)}
                  </span>
                ))}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Downloads({ urls }: { urls: { key: 'sla' | 'volume' | 'publisher'; url: string }[] }) {
  const t = useT();
  const [error, setError] = useState<unknown>(null);
  const download = async (key: string, url: string) => {
    try {
      const href = await attachmentObjectUrl(url);
      const a = document.createElement('a');
      a.href = href;
      a.download = `warta-${key}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby="csv-title">
      <h2 id="csv-title">{t('dash.download')}</h2>
      {error != null && <Notice kind="error">{t.error(error)}</Notice>}
      <div class={styles.downloads}>
        {urls.map(({ key, url }) => (
          <a
            key={key}
            class="btn"
            href={url}
            onClick={(e) => {
              e.preventDefault();
              void download(key, url);
            }}
          >
            {t(`dash.csv.${key}`)}
          </a>
        ))}
      </div>
    </section>
  );
}

export function Dashboard() {
  const t = useT();
  const [monthsShown, setMonthsShown] = useState<(typeof RANGES)[number]>(6);
  const until = todayWib();
  const from = monthsBack(until, monthsShown - 1);
  const report = useLoad(
    () => cachedQuery(`dashboard:${from}:${until}`, DashboardQuery, { from, until }),
    [from, until],
  );
  const data = report.data;
  return (
    <>
      <h1>{t('dash.title')}</h1>
      <fieldset class={styles.ranges}>
        <legend class="visually-hidden">{t('dash.range')}</legend>
        {RANGES.map((n) => (
          <button
            key={n}
            type="button"
            class={n === monthsShown ? 'btn btn-primary' : 'btn'}
            aria-pressed={n === monthsShown}
            onClick={() => setMonthsShown(n)}
          >
            {t('dash.months', { n })}
          </button>
        ))}
      </fieldset>
      <p class="muted">
        {t('dash.rangeText', { from: formatDate(from, t.lang), until: formatDate(until, t.lang) })}
      </p>
      {report.savedAt && (
        <Notice kind="info">
          {t('common.offlineCopy', { time: formatWib(report.savedAt, t.lang) })}
        </Notice>
      )}
      {report.error != null && !data && (
        <Notice kind="error">
          {t.error(report.error)}{' '}
          <button type="button" class="btn" onClick={report.reload}>
            {t('common.retry')}
          </button>
        </Notice>
      )}
      {!data && report.loading && <p aria-live="polite">{t('common.loading')}</p>}
      {data && (
        <>
          <section class="card" aria-labelledby="steps-title">
            <h2 id="steps-title">{t('dash.steps')}</h2>
            <p class="muted">{t('dash.stepsHint')}</p>
            <ul class={styles.list}>
              {data.slaReport.steps.map((s) => (
                <StepRow key={s.figures.stepNumber} step={s} />
              ))}
            </ul>
            <p class="muted">
              {t('dash.generated', { time: formatWib(data.slaReport.generatedAt, t.lang) })}
            </p>
          </section>
          <Trend sla={data.slaReport} volume={data.volumeReport} />
          <PublisherChart report={data.publisherReport} />
          <Downloads
            urls={[
              { key: 'sla', url: data.slaReport.csvUrl },
              { key: 'volume', url: data.volumeReport.csvUrl },
              { key: 'publisher', url: data.publisherReport.csvUrl },
            ]}
          />
        </>
      )}
    </>
  );
}
