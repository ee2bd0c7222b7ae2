import { describe, expect, it } from 'vitest';
import { createStore } from './store';

describe('createStore', () => {
  it('notifies subscribers of changes only, until they leave', () => {
    const s = createStore(1);
    const seen: number[] = [];
    const leave = s.subscribe((v) => seen.push(v));
    s.set(2);
    s.set(2);
    leave();
    s.set(3);
    expect(seen).toEqual([2]);
    expect(s.get()).toBe(3);
  });
});
