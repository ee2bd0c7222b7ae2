import { describe, expect, it } from 'vitest';
import { byUrgency, type Urgent } from './urgency';

describe('byUrgency', () => {
  it('puts earlier deadlines (so overdue ones) first and no deadline last', () => {
    const items: (Urgent & { id: string })[] = [
      { id: 'none', deadline: null, priority: 'SANGAT_SEGERA' },
      { id: 'later', deadline: '2026-11-29T10:00:00Z', priority: 'BIASA' },
      { id: 'overdue', deadline: '2026-11-28T10:00:00Z', priority: 'BIASA' },
    ];
    expect(items.sort(byUrgency).map((i) => i.id)).toEqual(['overdue', 'later', 'none']);
  });
  it('breaks ties by priority', () => {
    const a: Urgent = { deadline: '2026-11-29T10:00:00Z', priority: 'BIASA' };
    const b: Urgent = { deadline: '2026-11-29T10:00:00Z', priority: 'SANGAT_SEGERA' };
    expect([a, b].sort(byUrgency)).toEqual([b, a]);
  });
});
