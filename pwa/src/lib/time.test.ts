import { describe, expect, it } from 'vitest';
import { countdown, formatDate, formatSpan, formatWib, fromWibInput, toWibInput } from './time';

describe('formatWib', () => {
  it('shows UTC instants in WIB with an Indonesian dot', () => {
    expect(formatWib('2026-11-29T07:05:00Z')).toBe('29 Nov 2026 14.05 WIB');
  });
  it('crosses midnight into the next WIB day, month and year', () => {
    expect(formatWib('2026-12-31T17:30:00Z')).toBe('1 Jan 2027 00.30 WIB');
    expect(formatWib('2026-08-01T16:59:00Z', 'id')).toBe('1 Agu 2026 23.59 WIB');
  });
  it('uses English month names and a colon in English', () => {
    expect(formatWib('2026-05-10T01:02:00Z', 'en')).toBe('10 May 2026 08:02 WIB');
  });
  it('accepts offsets and shows a dash for nothing or garbage', () => {
    expect(formatWib('2026-11-29T14:05:00+07:00')).toBe('29 Nov 2026 14.05 WIB');
    expect(formatWib(null)).toBe('—');
    expect(formatWib('not a date')).toBe('—');
  });
});

describe('formatDate', () => {
  it('formats calendar dates without shifting them', () => {
    expect(formatDate('2026-12-08')).toBe('8 Des 2026');
    expect(formatDate('2026-10-01', 'en')).toBe('1 Oct 2026');
  });
});

describe('WIB datetime inputs', () => {
  it('round-trips through the input value', () => {
    const at = new Date('2026-11-29T23:40:00Z');
    expect(toWibInput(at)).toBe('2026-11-30T06:40');
    expect(fromWibInput('2026-11-30T06:40')?.toISOString()).toBe('2026-11-29T23:40:00.000Z');
    expect(fromWibInput('yesterday')).toBeNull();
  });
});

describe('countdown', () => {
  const now = new Date('2026-11-29T07:00:00Z');
  it('counts down minutes and seconds', () => {
    const c = countdown('2026-11-29T07:04:05Z', now);
    expect(c).toEqual({ overdue: false, text: '4 m 05 d', urgent: true });
  });
  it('counts hours, and is not urgent far from the deadline', () => {
    const c = countdown('2026-11-29T09:05:00Z', now, 'en');
    expect(c).toEqual({ overdue: false, text: '2 h 05 m', urgent: false });
  });
  it('marks a passed deadline overdue with the time past it', () => {
    const c = countdown('2026-11-28T05:00:00Z', now);
    expect(c.overdue).toBe(true);
    expect(c.text).toBe('1 hr 2 j');
  });
  it('formats spans by their two largest units', () => {
    expect(formatSpan(0)).toBe('0 m 00 d');
    expect(formatSpan(3 * 86400_000 + 3600_000, 'en')).toBe('3 d 1 h');
  });
});
