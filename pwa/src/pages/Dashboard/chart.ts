// Geometry of the dashboard's hand-drawn SVG charts: pure functions from figures to
// coordinates, so the drawing stays trivial and the arithmetic is tested.

/** The smallest 1, 2 or 5 × 10^k at or above `value` (1 for nothing to show). */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value - 1e-9 * power) return step * power;
  }
  return 10 * power;
}

/** `value` on an axis from 0 to `max` drawn `length` long, clamped to the axis. */
export function scale(value: number, max: number, length: number): number {
  if (!(max > 0)) return 0;
  return Math.min(length, Math.max(0, (value / max) * length));
}

export interface Bullet {
  /** The axis' end, in minutes. */
  max: number;
  /** Bar lengths and the standard's marker, in user units along `width`. */
  median: number;
  p90: number;
  standard: number;
  /** Which bars exceed the standard. */
  medianLate: boolean;
  p90Late: boolean;
}

/**
 * One step's median and p90 against its standard (all in minutes). Each step has its own
 * axis, reaching a little past the larger of p90 and the standard, so a 5-minute step and a
 * 1-day step are both readable.
 */
export function bullet(
  medianMinutes: number | null | undefined,
  p90Minutes: number | null | undefined,
  standardMinutes: number,
  width: number,
): Bullet {
  const median = medianMinutes ?? 0;
  const p90 = p90Minutes ?? 0;
  const max = niceCeiling(Math.max(median, p90, standardMinutes) * 1.1);
  return {
    max,
    median: scale(median, max, width),
    p90: scale(p90, max, width),
    standard: scale(standardMinutes, max, width),
    medianLate: median > standardMinutes,
    p90Late: p90 > standardMinutes,
  };
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Points of a series spread evenly across `width` (one in the middle when alone), 0 at the
 * bottom of `height` and `max` at the top; `null` values have no point.
 */
export function seriesPoints(
  values: readonly (number | null)[],
  max: number,
  width: number,
  height: number,
): (Point | null)[] {
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((v, i) =>
    v == null
      ? null
      : {
          x: values.length > 1 ? i * step : width / 2,
          y: height - scale(v, max, height),
        },
  );
}

/** An SVG path through the points, lifting the pen over gaps. */
export function linePath(points: readonly (Point | null)[]): string {
  let path = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    path += `${path ? ' ' : ''}${pen ? 'L' : 'M'}${round(p.x)} ${round(p.y)}`;
    pen = true;
  }
  return path;
}

export interface Bar {
  x: number;
  width: number;
  y: number;
  height: number;
}

/** Vertical bars for `values` across `width`, a gap of `gap` between them. */
export function bars(
  values: readonly number[],
  max: number,
  width: number,
  height: number,
  gap = 4,
): Bar[] {
  if (values.length === 0) return [];
  const slot = width / values.length;
  const barWidth = Math.max(1, slot - gap);
  return values.map((v, i) => {
    const h = scale(v, max, height);
    return { x: i * slot + (slot - barWidth) / 2, width: barWidth, y: height - h, height: h };
  });
}

export interface Segment {
  key: string;
  x: number;
  width: number;
}

/** A horizontal stacked bar: each part's start and length along `width`, in order. */
export function stack(parts: readonly { key: string; value: number }[], width: number): Segment[] {
  const total = parts.reduce((sum, p) => sum + Math.max(0, p.value), 0);
  let x = 0;
  const out: Segment[] = [];
  for (const p of parts) {
    const w = scale(Math.max(0, p.value), total, width);
    if (w > 0) out.push({ key: p.key, x, width: w });
    x += w;
  }
  return out;
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Minutes as people read them: `45 mnt`, `2 j 5 mnt`, `1 h 3 j` (days, hours, minutes). */
export function formatMinutes(minutes: number | null | undefined, lang: 'id' | 'en'): string {
  if (minutes == null) return '—';
  const u = lang === 'id' ? { d: 'h', h: 'j', m: 'mnt' } : { d: 'd', h: 'h', m: 'min' };
  const total = Math.round(minutes);
  if (total < 60) return `${total} ${u.m}`;
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  if (days > 0) return hours > 0 ? `${days} ${u.d} ${hours} ${u.h}` : `${days} ${u.d}`;
  return mins > 0 ? `${hours} ${u.h} ${mins} ${u.m}` : `${hours} ${u.h}`;
}

/** A share 0–1 as a whole percentage, `—` for none. */
export function percent(share: number | null | undefined): string {
  return share == null ? '—' : `${Math.round(share * 100)}%`;
}

/** The first day of the month `back` months before the one `today` (YYYY-MM-DD) is in. */
export function monthsBack(today: string, back: number): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - back;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-01`;
}
