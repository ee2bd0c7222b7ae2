// The signed-in session: tokens kept in localStorage so a phone stays signed in, the access
// token renewed shortly before it expires, and the refresh token rotated exactly once per
// renewal (the server revokes the whole family when an old refresh token is reused, so two
// tabs must never both spend the same one).
import { createStore } from '../lib/store';
import type { UserFieldsFragment } from './gen/graphql';

export interface Session {
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  user: UserFieldsFragment;
}

const KEY = 'warta.session';

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const session = createStore<Session | null>(read());

export function saveSession(next: Session | null): void {
  try {
    if (next) localStorage.setItem(KEY, JSON.stringify(next));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage may be full or refused; the session still lives in memory.
  }
  session.set(next);
  scheduleRefresh();
}

/** Another tab signed in, out or rotated the tokens: adopt its session. */
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === KEY) {
      session.set(read());
      scheduleRefresh();
    }
  });
}

/** Renews the tokens; given by the client module to avoid an import cycle. */
type Refresher = (refreshToken: string) => Promise<Session>;
let refresher: Refresher | null = null;
let inFlight: Promise<Session | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

export function setRefresher(fn: Refresher): void {
  refresher = fn;
  scheduleRefresh();
}

/** Seconds before expiry at which the access token is renewed. */
const EARLY_MS = 60_000;

export function expiresSoon(s: Session, now = Date.now()): boolean {
  return new Date(s.expiresAt).getTime() - now < EARLY_MS;
}

/**
 * Trades the refresh token for new tokens, once at a time across tabs. Resolves to null when
 * the session cannot be renewed (signed out elsewhere, refresh token expired or revoked);
 * throws on network errors, leaving the session as it was.
 */
export function refreshNow(): Promise<Session | null> {
  if (inFlight) return inFlight;
  const work = async (): Promise<Session | null> => {
    const before = session.get();
    // Another tab may have rotated the tokens while we waited for the lock.
    const stored = read();
    if (stored && before && stored.refreshToken !== before.refreshToken && !expiresSoon(stored)) {
      session.set(stored);
      return stored;
    }
    const current = stored ?? before;
    if (!current || !refresher) return null;
    try {
      const next = await refresher(current.refreshToken);
      saveSession(next);
      return next;
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'UNAUTHENTICATED') {
        saveSession(null);
        return null;
      }
      throw error;
    }
  };
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const started: Promise<Session | null> = locks
    ? (locks.request('warta-refresh', work) as unknown as Promise<Session | null>)
    : work();
  const flight = started.finally(() => {
    inFlight = null;
  });
  inFlight = flight;
  return flight;
}

function scheduleRefresh(): void {
  clearTimeout(timer);
  const s = session.get();
  if (!s || !refresher) return;
  const wait = Math.max(5_000, new Date(s.expiresAt).getTime() - Date.now() - EARLY_MS);
  timer = setTimeout(
    () => {
      if (typeof navigator !== 'undefined' && navigator.onLine === false) return scheduleRefresh();
      refreshNow().catch(() => {
        // Offline or the server is down: try again in a little while.
        timer = setTimeout(scheduleRefresh, 30_000);
      });
    },
    Math.min(wait, 2 ** 31 - 1),
  );
}

/** A valid access token, renewed first when it is about to expire (null when signed out). */
export async function accessToken(): Promise<string | null> {
  const s = session.get();
  if (!s) return null;
  if (expiresSoon(s)) {
    try {
      return (await refreshNow())?.accessToken ?? null;
    } catch {
      return s.accessToken;
    }
  }
  return s.accessToken;
}

export function hasRole(s: Session | null, role: string): boolean {
  return !!s?.user.roles.includes(role as Session['user']['roles'][number]);
}
