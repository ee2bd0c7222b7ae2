import { describe, expect, it } from 'vitest';
import {
  enqueue,
  flush,
  pendingFor,
  type QueuedAction,
  type QueueStore,
  type SendOutcome,
} from './queue';

class FakeStore implements QueueStore {
  items = new Map<string, QueuedAction>();
  async all() {
    return [...this.items.values()];
  }
  async put(a: QueuedAction) {
    this.items.set(a.id, structuredClone(a));
  }
  async remove(id: string) {
    this.items.delete(id);
  }
}

const action = (id: string, createdAt: string, requestId = 'r1') => ({
  id,
  createdAt,
  operation: 'ForwardRequest',
  query: 'mutation ForwardRequest { x }',
  variables: { input: { requestId, expectedVersion: 3 } },
  requestId,
  label: `forward ${id}`,
});

describe('offline queue', () => {
  it('keeps actions durably as pending', async () => {
    const store = new FakeStore();
    const a = await enqueue(store, action('a', '2026-11-29T01:00:00Z'));
    expect(a.status).toBe('pending');
    expect((await store.all()).map((x) => x.id)).toEqual(['a']);
    expect(pendingFor(await store.all(), 'r1')?.id).toBe('a');
    expect(pendingFor(await store.all(), 'r2')).toBeUndefined();
  });

  it('gives new actions an id and a time', async () => {
    const store = new FakeStore();
    const { id: _id, createdAt: _c, ...rest } = action('x', 'x');
    const a = await enqueue(store, rest, new Date('2026-11-29T02:00:00Z'));
    expect(a.createdAt).toBe('2026-11-29T02:00:00.000Z');
    expect(a.id).toMatch(/^\w+-\w+$/);
  });

  it('sends oldest first and removes what was sent', async () => {
    const store = new FakeStore();
    await enqueue(store, action('b', '2026-11-29T02:00:00Z', 'r2'));
    await enqueue(store, action('a', '2026-11-29T01:00:00Z'));
    const order: string[] = [];
    const result = await flush(store, async (a) => {
      order.push(a.id);
      return { kind: 'sent' };
    });
    expect(order).toEqual(['a', 'b']);
    expect(result.sent.map((a) => a.id)).toEqual(['a', 'b']);
    expect(await store.all()).toEqual([]);
  });

  it('keeps a conflict, marked failed with its code, and goes on with the rest', async () => {
    const store = new FakeStore();
    await enqueue(store, action('a', '2026-11-29T01:00:00Z'));
    await enqueue(store, action('b', '2026-11-29T02:00:00Z', 'r2'));
    const outcomes: Record<string, SendOutcome> = {
      a: { kind: 'refused', code: 'CONFLICT', message: 'someone acted first' },
      b: { kind: 'sent' },
    };
    const result = await flush(store, async (a) => outcomes[a.id] as SendOutcome);
    expect(result.refused).toHaveLength(1);
    const left = await store.all();
    expect(left).toHaveLength(1);
    expect(left[0]?.status).toBe('failed');
    expect(left[0]?.error).toEqual({ code: 'CONFLICT', message: 'someone acted first' });
  });

  it('stops at the first network failure and keeps the rest pending', async () => {
    const store = new FakeStore();
    await enqueue(store, action('a', '2026-11-29T01:00:00Z'));
    await enqueue(store, action('b', '2026-11-29T02:00:00Z'));
    let calls = 0;
    const result = await flush(store, async () => {
      calls++;
      return { kind: 'offline' };
    });
    expect(calls).toBe(1);
    expect(result.waiting).toBe(2);
    expect((await store.all()).every((a) => a.status === 'pending')).toBe(true);
  });

  it('does not resend failed actions', async () => {
    const store = new FakeStore();
    await store.put({ ...action('a', '2026-11-29T01:00:00Z'), status: 'failed' });
    let calls = 0;
    await flush(store, async () => {
      calls++;
      return { kind: 'sent' };
    });
    expect(calls).toBe(0);
    expect(await store.all()).toHaveLength(1);
  });
});
