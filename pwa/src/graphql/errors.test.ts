import { describe, expect, it } from 'vitest';
import { AppError, errorMessage, isOfflineError, toAppError } from './errors';

describe('GraphQL errors', () => {
  it('reads extensions.code and the rule', () => {
    const e = toAppError({
      graphQLErrors: [
        {
          message: 'step 2 must choose at least one channel',
          extensions: { code: 'BAD_USER_INPUT', rule: 'ChannelsRequired' },
        },
      ],
    });
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.rule).toBe('ChannelsRequired');
  });

  it('says a conflict plainly in Indonesian and English', () => {
    const e = toAppError({
      graphQLErrors: [{ message: 'changed', extensions: { code: 'CONFLICT' } }],
    });
    expect(errorMessage(e, 'id')).toMatch(/sudah diubah orang lain/);
    expect(errorMessage(e, 'en')).toMatch(/Someone else changed/);
  });

  it('adds the server detail to input errors only', () => {
    const bad = new AppError('BAD_USER_INPUT', 'reason required');
    expect(errorMessage(bad, 'en')).toBe('Something in the form is not right. (reason required)');
    const forbidden = new AppError('FORBIDDEN', 'role staff cannot do that');
    expect(errorMessage(forbidden, 'id')).toBe('Anda tidak berwenang melakukan tindakan ini.');
  });

  it('maps unknown codes, HTTP statuses and missing answers', () => {
    expect(
      toAppError({ graphQLErrors: [{ message: 'x', extensions: { code: 'WEIRD' } }] }).code,
    ).toBe('UNKNOWN');
    expect(toAppError({ response: { status: 401 } }).code).toBe('UNAUTHENTICATED');
    expect(toAppError({ response: { status: 503 } }).code).toBe('INTERNAL');
    const offline = toAppError({ networkError: new Error('Failed to fetch') });
    expect(offline.code).toBe('NETWORK');
    expect(isOfflineError(offline)).toBe(true);
    expect(errorMessage(new Error('boom'), 'en')).toBe('Something unexpected went wrong. (boom)');
  });

  it('has a message for every code in both languages', () => {
    for (const code of [
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'BAD_USER_INPUT',
      'NOT_FOUND',
      'CONFLICT',
      'RATE_LIMITED',
      'TELEGRAM_UNAVAILABLE',
      'INTERNAL',
      'NETWORK',
      'UNKNOWN',
    ] as const) {
      for (const lang of ['id', 'en'] as const) {
        expect(errorMessage(new AppError(code, ''), lang).length).toBeGreaterThan(5);
      }
    }
  });
});
