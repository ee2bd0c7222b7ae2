// The offline queue: actions taken without a connection are kept durably and sent, in the
// order they were taken, once the connection is back. Each carries the request version the
// person saw (`expectedVersion`), so an action overtaken by someone else comes back as a
// CONFLICT, which is kept and shown, never dropped.

export interface QueuedAction {
  id: string;
  /** ISO time the action was taken. */
  createdAt: string;
  /** The GraphQL operation name, e.g. `ForwardRequest`. */
  operation: string;
  /** The printed GraphQL document. */
  query: string;
  variables: Record<string, unknown>;
  requestId: string;
  /** What the person did, in their words, e.g. "Teruskan 0042/HM/2026". */
  label: string;
  status: 'pending' | 'failed';
  error?: { code: string; message: string };
}

/** Where the queue lives: IndexedDB in the app, a map in the tests. */
export interface QueueStore {
  all(): Promise<QueuedAction[]>;
  put(action: QueuedAction): Promise<void>;
  remove(id: string): Promise<void>;
}

export type SendOutcome =
  | { kind: 'sent' }
  /** No connection (or no session): stop and try again later. */
  | { kind: 'offline' }
  /** The server answered with an error: keep it for the person to see. */
  | { kind: 'refused'; code: string; message: string };

export interface FlushResult {
  sent: QueuedAction[];
  refused: QueuedAction[];
  /** Still waiting for a connection. */
  waiting: number;
}

export function byCreation(a: QueuedAction, b: QueuedAction): number {
  return a.createdAt === b.createdAt
    ? a.id.localeCompare(b.id)
    : a.createdAt.localeCompare(b.createdAt);
}

export async function enqueue(
  store: QueueStore,
  action: Omit<QueuedAction, 'status' | 'id' | 'createdAt'> & { id?: string; createdAt?: string },
  now: Date = new Date(),
): Promise<QueuedAction> {
  const queued: QueuedAction = {
    ...action,
    id: action.id ?? `${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    createdAt: action.createdAt ?? now.toISOString(),
    status: 'pending',
  };
  await store.put(queued);
  return queued;
}

/**
 * Sends every pending action oldest first. Sent ones leave the store; refused ones stay,
 * marked failed with the server's code; the first `offline` stops the run with the rest kept.
 */
export async function flush(
  store: QueueStore,
  send: (action: QueuedAction) => Promise<SendOutcome>,
): Promise<FlushResult> {
  const pending = (await store.all()).filter((a) => a.status === 'pending').sort(byCreation);
  const result: FlushResult = { sent: [], refused: [], waiting: 0 };
  for (let i = 0; i < pending.length; i++) {
    const action = pending[i] as QueuedAction;
    const outcome = await send(action);
    if (outcome.kind === 'offline') {
      result.waiting = pending.length - i;
      break;
    }
    if (outcome.kind === 'sent') {
      await store.remove(action.id);
      result.sent.push(action);
    } else {
      const failed: QueuedAction = {
        ...action,
        status: 'failed',
        error: { code: outcome.code, message: outcome.message },
      };
      await store.put(failed);
      result.refused.push(failed);
    }
  }
  return result;
}

/** A pending action for this request, if one waits (the UI shows it instead of the buttons). */
export function pendingFor(actions: QueuedAction[], requestId: string): QueuedAction | undefined {
  return actions.find((a) => a.requestId === requestId && a.status === 'pending');
}
