// Times are stored in UTC by the server and always shown in WIB (Asia/Jakarta, UTC+7, no
// daylight saving), so plain arithmetic is exact and does not depend on the phone's zone.

export type Lang = 'id' | 'en';

const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;

const MONTHS: Record<Lang, readonly string[]> = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** The WIB wall-clock parts of an instant. */
export function wibParts(instant: Date): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
} {
  const shifted = new Date(instant.getTime() + WIB_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}

function monthName(month: number, lang: Lang): string {
  return MONTHS[lang][month - 1] ?? '';
}

/** `29 Nov 2026 14.05 WIB` (Indonesian writes the time with a dot), `… 14:05 WIB` in English. */
export function formatWib(value: string | Date | null | undefined, lang: Lang = 'id'): string {
  if (value == null) return '—';
  const instant = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(instant.getTime())) return '—';
  const p = wibParts(instant);
  const sep = lang === 'id' ? '.' : ':';
  return `${p.day} ${monthName(p.month, lang)} ${p.year} ${pad(p.hour)}${sep}${pad(p.minute)} WIB`;
}

/** A calendar date (`2026-12-08`, no zone) as `8 Des 2026`. */
export function formatDate(value: string | null | undefined, lang: Lang = 'id'): string {
  if (!value) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return value;
  return `${Number(m[3])} ${monthName(Number(m[2]), lang)} ${m[1]}`;
}

/** The value for an `<input type="datetime-local">` showing this instant in WIB. */
export function toWibInput(instant: Date): string {
  const p = wibParts(instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Reads a `datetime-local` value as WIB wall-clock time; null when it is not one. */
export function fromWibInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return new Date(utc - WIB_OFFSET_MS);
}

export interface Countdown {
  overdue: boolean;
  /** Short human text, e.g. `1 j 05 m` / `1 h 05 m`. */
  text: string;
  /** Less than a quarter of an hour left (or overdue): worth a warning colour. */
  urgent: boolean;
}

const UNITS: Record<Lang, { d: string; h: string; m: string; s: string }> = {
  id: { d: 'hr', h: 'j', m: 'm', s: 'd' },
  en: { d: 'd', h: 'h', m: 'm', s: 's' },
};

/** Formats a span of milliseconds as its two largest units, e.g. `2 hr 3 j`, `4 m 05 d`. */
export function formatSpan(ms: number, lang: Lang = 'id'): string {
  const u = UNITS[lang];
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days} ${u.d} ${hours} ${u.h}`;
  if (hours > 0) return `${hours} ${u.h} ${pad(minutes)} ${u.m}`;
  return `${minutes} ${u.m} ${pad(seconds)} ${u.s}`;
}

/** How long until a deadline, or how long past it. */
export function countdown(deadline: string | Date, now: Date, lang: Lang = 'id'): Countdown {
  const due = typeof deadline === 'string' ? new Date(deadline) : deadline;
  const left = due.getTime() - now.getTime();
  const overdue = left < 0;
  return { overdue, text: formatSpan(left, lang), urgent: overdue || left < 15 * 60 * 1000 };
}
