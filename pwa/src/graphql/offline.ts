// Offline support: last-seen query results persisted in IndexedDB (read when the network is
// gone) and actions queued durably while offline, sent on reconnect (see lib/queue.ts).
import type { AnyVariables, DocumentInput } from '@urql/core';
import { type DocumentNode, print } from 'graphql';
import { idbAll, idbDelete, idbGet, idbPut } from '../lib/idb';
import { enqueue, flush, type QueuedAction, type QueueStore } from '../lib/queue';
import { createStore } from '../lib/store';
import { mutate, query } from './client';
import { AppError, isOfflineError } from './errors';
import { session } from './session';

export const online = createStore<boolean>(
  typeof navigator === 'undefined' ? true : navigator.onLine,
);

interface Cached<D> {
  data: D;
  savedAt: string;
}

export interface Loaded<D> {
  data: D;
  /** Set when the data came from the offline copy: when it was saved. */
  savedAt: string | null;
}

const scoped = (key: string): string => `${session.get()?.user.id ?? 'anon'}:${key}`;

/** Network first; the last good answer from IndexedDB when there is no connection. */
export async function cachedQuery<D, V extends AnyVariables>(
  key: string,
  doc: DocumentInput<D, V>,
  variables: V,
): Promise<Loaded<D>> {
  try {
    const data = await query(doc, variables);
    online.set(true);
    await idbPut('cache', scoped(key), {
      data,
      savedAt: new Date().toISOString(),
    } satisfies Cached<D>);
    return { data, savedAt: null };
  } catch (error) {
    if (!isOfflineError(error)) throw error;
    online.set(false);
    const cached = await idbGet<Cached<D>>('cache', scoped(key));
    if (cached) return { data: cached.data, savedAt: cached.savedAt };
    throw error;
  }
}

/** Updates the offline copy after a mutation returned fresh data. */
export function rememberQuery<D>(key: string, data: D): Promise<void> {
  return idbPut('cache', scoped(key), {
    data,
    savedAt: new Date().toISOString(),
  } satisfies Cached<D>);
}

const queueStore: QueueStore = {
  all: () => idbAll<QueuedAction>('queue'),
  put: (action) => idbPut('queue', action.id, action),
  remove: (id) => idbDelete('queue', id),
};

/** Everything in the queue (pending and refused), for the outbox banner. */
export const outbox = createStore<QueuedAction[]>([]);

async function refreshOutbox(): Promise<void> {
  outbox.set((await queueStore.all()).sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
}

export type ActOutcome<D> = { kind: 'done'; data: D } | { kind: 'queued'; action: QueuedAction };

/**
 * Runs a mutation on a request, or queues it when there is no connection. The variables
 * must carry `expectedVersion`, so a replay that someone else overtook is a CONFLICT.
 */
export async function act<D, V extends AnyVariables>(
  doc: DocumentInput<D, V>,
  variables: V,
  meta: { requestId: string; label: string },
): Promise<ActOutcome<D>> {
  const queue = async (): Promise<ActOutcome<D>> => {
    const action = await enqueue(queueStore, {
      operation: operationName(doc),
      query: print(doc as DocumentNode),
      variables: variables as Record<string, unknown>,
      requestId: meta.requestId,
      label: meta.label,
    });
    online.set(false);
    await refreshOutbox();
    return { kind: 'queued', action };
  };
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return queue();
  try {
    const data = await mutate(doc, variables);
    online.set(true);
    return { kind: 'done', data };
  } catch (error) {
    if (isOfflineError(error)) return queue();
    throw error;
  }
}

function operationName(doc: unknown): string {
  const def = (doc as DocumentNode).definitions?.[0];
  return def && 'name' in def && def.name ? def.name.value : 'Mutation';
}

let flushing: Promise<void> | null = null;
/** Listeners told after a flush that sent something (pages reload their data). */
export const flushed = createStore<number>(0);

/** Sends queued actions now (on reconnect, at start, and from the outbox banner). */
export function flushOutbox(): Promise<void> {
  if (flushing) return flushing;
  flushing = (async () => {
    if (!session.get()) return;
    const result = await flush(queueStore, async (action) => {
      try {
        await mutate(action.query, action.variables);
        return { kind: 'sent' };
      } catch (error) {
        if (isOfflineError(error)) return { kind: 'offline' };
        if (error instanceof AppError) {
          if (error.code === 'UNAUTHENTICATED' && !session.get()) return { kind: 'offline' };
          return { kind: 'refused', code: error.code, message: error.detail };
        }
        return { kind: 'refused', code: 'UNKNOWN', message: String(error) };
      }
    });
    online.set(result.waiting === 0);
    if (result.sent.length || result.refused.length) flushed.set(flushed.get() + 1);
    await refreshOutbox();
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

export async function dismissQueued(id: string): Promise<void> {
  await queueStore.remove(id);
  await refreshOutbox();
}

/** Wires the queue to connectivity: flush on `online`, at start and every half minute. */
export function startOffline(): void {
  window.addEventListener('online', () => {
    online.set(true);
    void flushOutbox();
  });
  window.addEventListener('offline', () => online.set(false));
  void refreshOutbox().then(() => flushOutbox());
  setInterval(() => {
    if (outbox.get().some((a) => a.status === 'pending') && navigator.onLine) void flushOutbox();
  }, 30_000);
}
