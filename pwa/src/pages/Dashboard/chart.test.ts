import { describe, expect, it } from 'vitest';
import {
  bars,
  bullet,
  formatMinutes,
  linePath,
  monthsBack,
  niceCeiling,
  percent,
  scale,
  seriesPoints,
  stack,
} from './chart';

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(0.7)).toBe(1);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(1.1)).toBe(2);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(66)).toBe(100);
    expect(niceCeiling(1584)).toBe(2000);
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });
});

describe('scale', () => {
  it('maps onto the axis and clamps', () => {
    expect(scale(50, 200, 300)).toBe(75);
    expect(scale(400, 200, 300)).toBe(300);
    expect(scale(-1, 200, 300)).toBe(0);
    expect(scale(5, 0, 300)).toBe(0);
  });
});

describe('bullet', () => {
  it('puts median, p90 and the standard on one axis past the largest', () => {
    // Step 2: standard 120 min, median 100, p90 150; axis to niceCeiling(165) = 200.
    const b = bullet(100, 150, 120, 200);
    expect(b.max).toBe(200);
    expect(b.median).toBe(100);
    expect(b.p90).toBe(150);
    expect(b.standard).toBe(120);
    expect(b.medianLate).toBe(false);
    expect(b.p90Late).toBe(true);
  });

  it('shows only the standard when nothing finished', () => {
    const b = bullet(null, null, 5, 100);
    expect(b).toEqual({
      max: 10,
      median: 0,
      p90: 0,
      standard: 50,
      medianLate: false,
      p90Late: false,
    });
  });
});

describe('line charts', () => {
  it('spreads points evenly, 0 at the bottom', () => {
    expect(seriesPoints([0, 0.5, 1], 1, 100, 40)).toEqual([
      { x: 0, y: 40 },
      { x: 50, y: 20 },
      { x: 100, y: 0 },
    ]);
    expect(seriesPoints([3], 6, 100, 40)).toEqual([{ x: 50, y: 20 }]);
  });

  it('lifts the pen over a missing value', () => {
    const points = seriesPoints([1, null, 1, 0], 1, 90, 10);
    expect(linePath(points)).toBe('M0 0 M60 0 L90 10');
    expect(linePath([])).toBe('');
  });

  it('draws bars from the bottom with gaps between them', () => {
    expect(bars([2, 4], 4, 100, 50, 10)).toEqual([
      { x: 5, width: 40, y: 25, height: 25 },
      { x: 55, width: 40, y: 0, height: 50 },
    ]);
    expect(bars([], 4, 100, 50)).toEqual([]);
  });
});

describe('stack', () => {
  it('lays parts end to end in proportion, leaving out empty ones', () => {
    expect(
      stack(
        [
          { key: 'sent', value: 6 },
          { key: 'failed', value: 0 },
          { key: 'uncertain', value: 2 },
        ],
        200,
      ),
    ).toEqual([
      { key: 'sent', x: 0, width: 150 },
      { key: 'uncertain', x: 150, width: 50 },
    ]);
    expect(stack([{ key: 'sent', value: 0 }], 200)).toEqual([]);
  });
});

describe('labels', () => {
  it('writes minutes as days, hours and minutes', () => {
    expect(formatMinutes(45, 'id')).toBe('45 mnt');
    expect(formatMinutes(125, 'id')).toBe('2 j 5 mnt');
    expect(formatMinutes(120, 'en')).toBe('2 h');
    expect(formatMinutes(3000, 'en')).toBe('2 d 2 h');
    expect(formatMinutes(1440, 'id')).toBe('1 h');
    expect(formatMinutes(null, 'id')).toBe('—');
    expect(percent(0.6)).toBe('60%');
    expect(percent(null)).toBe('—');
  });

  it('counts months back across a year', () => {
    expect(monthsBack('2026-11-29', 0)).toBe('2026-11-01');
    expect(monthsBack('2026-11-29', 11)).toBe('2025-12-01');
    expect(monthsBack('2026-01-15', 1)).toBe('2025-12-01');
  });
});
