// Inbox order: most urgent first. Overdue before due, earlier deadlines before later ones,
// higher priority first on ties, and items without a deadline (returned requests) last.

export interface Urgent {
  deadline?: string | null;
  priority: 'BIASA' | 'SEGERA' | 'SANGAT_SEGERA';
}

const PRIORITY_RANK = { SANGAT_SEGERA: 0, SEGERA: 1, BIASA: 2 } as const;

export function byUrgency(a: Urgent, b: Urgent): number {
  const da = a.deadline ? new Date(a.deadline).getTime() : Number.POSITIVE_INFINITY;
  const db = b.deadline ? new Date(b.deadline).getTime() : Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
}
