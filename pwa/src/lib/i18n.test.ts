import { describe, expect, it } from 'vitest';
import { isLang, translate, translateEnum } from './i18n';

describe('i18n', () => {
  it('speaks Indonesian and English, with parameters', () => {
    expect(translate('id', 'inbox.overdue', { time: '5 m' })).toBe('Terlambat 5 m');
    expect(translate('en', 'inbox.overdue', { time: '5 m' })).toBe('Overdue by 5 m');
  });
  it('names enum values, and falls back to the raw value', () => {
    expect(translateEnum('id', 'role', 'VICE_RECTOR')).toBe('Wakil Rektor III');
    expect(translateEnum('en', 'status', 'NEW_STATUS')).toBe('NEW_STATUS');
  });
  it('accepts only known languages', () => {
    expect(isLang('id')).toBe(true);
    expect(isLang('fr')).toBe(false);
  });
});
