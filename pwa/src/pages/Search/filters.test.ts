import { describe, expect, it } from 'vitest';
import { countFilters, NO_FILTERS, toSearchFilter } from './filters';

describe('toSearchFilter', () => {
  it('asks for nothing when nothing is set', () => {
    expect(toSearchFilter(NO_FILTERS)).toEqual({});
    expect(countFilters(NO_FILTERS)).toBe(0);
  });

  it('turns WIB days into the instants the whole days span', () => {
    const form = {
      ...NO_FILTERS,
      status: 'ARCHIVED' as const,
      channelId: '7',
      classificationCode: ' HM.00 ',
      unit: 'Bagian Akademik',
      from: '2026-12-01',
      until: '2026-12-31',
    };
    expect(toSearchFilter(form)).toEqual({
      statuses: ['ARCHIVED'],
      channelIds: ['7'],
      classificationCode: 'HM.00',
      unit: 'Bagian Akademik',
      submittedFrom: '2026-11-30T17:00:00.000Z',
      submittedUntil: '2026-12-31T17:00:00.000Z',
    });
    expect(countFilters(form)).toBe(6);
  });

  it('leaves out blanks and what is not a date', () => {
    expect(
      toSearchFilter({ ...NO_FILTERS, unit: '  ', from: 'kemarin', until: '2026-01-15' }),
    ).toEqual({
      submittedUntil: '2026-01-15T17:00:00.000Z',
    });
  });
});
