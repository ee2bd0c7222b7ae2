// The one place where a GraphQL error's `extensions.code` becomes words for the person.
import type { Lang } from '../lib/time';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'TELEGRAM_UNAVAILABLE',
  'INTERNAL',
] as const;

/** The server's codes, plus NETWORK (no answer at all) and UNKNOWN (an unexpected answer). */
export type ErrorCode = (typeof ERROR_CODES)[number] | 'NETWORK' | 'UNKNOWN';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    /** The server's own message (English, technical); shown as detail where it helps. */
    readonly detail: string,
    /** For BAD_USER_INPUT: the workflow rule that refused, e.g. `ChannelsRequired`. */
    readonly rule?: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown> | null;
}

/** Builds an AppError from what urql reports: GraphQL errors first, else a network error. */
export function toAppError(input: {
  graphQLErrors?: readonly GraphQLErrorLike[];
  networkError?: Error | undefined;
  response?: unknown;
}): AppError {
  const first = input.graphQLErrors?.[0];
  if (first) {
    const raw = first.extensions?.code;
    const code: ErrorCode =
      typeof raw === 'string' && (ERROR_CODES as readonly string[]).includes(raw)
        ? (raw as ErrorCode)
        : 'UNKNOWN';
    const rule = first.extensions?.rule;
    return new AppError(code, first.message, typeof rule === 'string' ? rule : undefined);
  }
  const status = (input.response as { status?: number } | undefined)?.status;
  if (status === 401) return new AppError('UNAUTHENTICATED', 'HTTP 401');
  if (status === 429) return new AppError('RATE_LIMITED', 'HTTP 429');
  if (status !== undefined && status >= 500) return new AppError('INTERNAL', `HTTP ${status}`);
  return new AppError('NETWORK', input.networkError?.message ?? 'no response');
}

const MESSAGES: Record<Lang, Record<ErrorCode, string>> = {
  id: {
    UNAUTHENTICATED: 'Sesi Anda berakhir atau kata sandi salah. Silakan masuk lagi.',
    FORBIDDEN: 'Anda tidak berwenang melakukan tindakan ini.',
    BAD_USER_INPUT: 'Isian belum sesuai.',
    NOT_FOUND: 'Data tidak ditemukan.',
    CONFLICT:
      'Permohonan ini sudah diubah orang lain sebelum tindakan Anda. Muat ulang, periksa, lalu coba lagi.',
    RATE_LIMITED: 'Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi.',
    TELEGRAM_UNAVAILABLE:
      'Telegram tidak memberi jawaban yang jelas; belum ada yang dicatat. Coba lagi sebentar lagi.',
    INTERNAL: 'Terjadi kesalahan di server. Coba lagi nanti.',
    NETWORK: 'Tidak ada koneksi ke server.',
    UNKNOWN: 'Terjadi kesalahan yang tidak terduga.',
  },
  en: {
    UNAUTHENTICATED: 'Your session ended or the password is wrong. Please sign in again.',
    FORBIDDEN: 'You are not allowed to do this.',
    BAD_USER_INPUT: 'Something in the form is not right.',
    NOT_FOUND: 'Not found.',
    CONFLICT:
      'Someone else changed this request before your action. Reload, check it, then try again.',
    RATE_LIMITED: 'Too many attempts. Wait a moment, then try again.',
    TELEGRAM_UNAVAILABLE:
      'Telegram gave no clear answer; nothing was recorded. Try again in a moment.',
    INTERNAL: 'Something went wrong on the server. Try again later.',
    NETWORK: 'No connection to the server.',
    UNKNOWN: 'Something unexpected went wrong.',
  },
};

/** Where the server's own text is worth showing after ours (it names the rule broken). */
const SHOW_DETAIL: ReadonlySet<ErrorCode> = new Set(['BAD_USER_INPUT', 'UNKNOWN']);

/** What to tell the person about an error, in their language. */
export function errorMessage(error: unknown, lang: Lang): string {
  const appError =
    error instanceof AppError
      ? error
      : new AppError('UNKNOWN', error instanceof Error ? error.message : String(error));
  const base = MESSAGES[lang][appError.code];
  return SHOW_DETAIL.has(appError.code) && appError.detail ? `${base} (${appError.detail})` : base;
}

/** Errors worth retrying later rather than showing as a refusal. */
export function isOfflineError(error: unknown): boolean {
  return error instanceof AppError && error.code === 'NETWORK';
}
