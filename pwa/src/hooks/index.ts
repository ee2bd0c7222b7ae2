// Hooks shared by pages: the shared stores, the language, a ticking clock, the current
// route, and loading data with its offline copy.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../graphql/errors';
import { flushed, type Loaded } from '../graphql/offline';
import { isLang, type Key, translate, translateEnum } from '../lib/i18n';
import { parseRoute, type Route } from '../lib/route';
import { createStore, type Store } from '../lib/store';
import type { Lang } from '../lib/time';

export function useStore<T>(store: Store<T>): T {
  const [value, setValue] = useState(store.get());
  useEffect(() => {
    setValue(store.get());
    return store.subscribe(setValue);
  }, [store]);
  return value;
}

const LANG_KEY = 'warta.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // No storage: Indonesian.
  }
  return 'id';
}

export const lang = createStore<Lang>(initialLang());

export function setLang(next: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    // Not persisted; still switched for this visit.
  }
  document.documentElement.lang = next;
  lang.set(next);
}

export interface T {
  (key: Key, params?: Record<string, string | number>): string;
  lang: Lang;
  enumLabel(prefix: string, value: string | null | undefined): string;
  error(error: unknown): string;
}

export function useT(): T {
  const current = useStore(lang);
  const t = ((key: Key, params?: Record<string, string | number>) =>
    translate(current, key, params)) as T;
  t.lang = current;
  t.enumLabel = (prefix, value) => (value ? translateEnum(current, prefix, value) : '—');
  t.error = (error) => errorMessage(error, current);
  return t;
}

/** The current time, re-rendering every `everyMs` (for countdowns). */
export function useNow(everyMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

export const location = createStore<string>(
  typeof window === 'undefined' ? '/' : window.location.pathname,
);

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => location.set(window.location.pathname));
}

export function navigate(path: string, replace = false): void {
  if (path === window.location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  location.set(path);
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  return parseRoute(useStore(location));
}

export interface LoadState<D> {
  data: D | null;
  savedAt: string | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (data: D) => void;
}

/** Loads data (network first, offline copy second) and reloads after queued actions flush. */
export function useLoad<D>(load: () => Promise<Loaded<D>>, deps: unknown[]): LoadState<D> {
  const [state, setState] = useState<{
    data: D | null;
    savedAt: string | null;
    error: unknown;
    loading: boolean;
  }>({
    data: null,
    savedAt: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const flushCount = useStore(flushed);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (loaded) =>
        live &&
        setState({ data: loaded.data, savedAt: loaded.savedAt, error: null, loading: false }),
      (error: unknown) => live && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick, flushCount]);
  const setData = useCallback(
    (data: D) => setState({ data, savedAt: null, error: null, loading: false }),
    [],
  );
  return { ...state, reload, setData };
}
