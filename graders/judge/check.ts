// Turns the bad rows one check found into a CheckResult: sorted, bounded (a diff of thousands of
// rows helps nobody), with provenance and a likely cause on each row that is shown.
import type { CheckResult, DiffRow, DiffStatus, ProvenanceEvent } from '../harness/report-schema.ts';
import { likelyCause } from './hints.ts';
import type { RowDraft } from './types.ts';

/** Rows shown per check; the message gives the full count. */
export const MAX_ROWS = 20;
/** Input events shown per row; the detail gives the full count. */
export const MAX_EVENTS = 10;

export interface CheckSpec<V> {
  name: string;
  /** Message when no row is bad. */
  passMessage: string;
  /** First words of the message when some are, before the per-status counts. */
  failSummary: string;
  /** Statuses in order of importance: the first one present names the finding and leads the table. */
  priority: readonly DiffStatus[];
  eventsFor(row: RowDraft<V>): ProvenanceEvent[];
  explain?(row: RowDraft<V>, events: readonly ProvenanceEvent[]): string | undefined;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function makeCheck<V>(spec: CheckSpec<V>, drafts: readonly RowDraft<V>[]): CheckResult {
  if (drafts.length === 0) return { name: spec.name, passed: true, message: spec.passMessage, finding: null, diff: [] };
  const rank = (status: DiffStatus) => {
    const index = spec.priority.indexOf(status);
    return index === -1 ? spec.priority.length : index;
  };
  const sorted = [...drafts].sort((a, b) => rank(a.status) - rank(b.status) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const counts = new Map<DiffStatus, number>();
  for (const row of sorted) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  const breakdown = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const shown = sorted.slice(0, MAX_ROWS);
  const bound = sorted.length > shown.length ? ` (first ${shown.length} of ${sorted.length} rows shown)` : '';
  return {
    name: spec.name,
    passed: false,
    message: `${spec.failSummary}: ${breakdown}${bound}`,
    finding: sorted[0]?.status ?? null,
    diff: shown.map((row) => toDiffRow(spec, row)),
  };
}

function toDiffRow<V>(spec: CheckSpec<V>, row: RowDraft<V>): DiffRow {
  const events = row.events ?? spec.eventsFor(row);
  const cause = spec.explain?.(row, events) ?? row.cause ?? likelyCause[row.status];
  const more = events.length > MAX_EVENTS ? ` (first ${MAX_EVENTS} of ${plural(events.length, 'input event')} shown)` : '';
  return {
    status: row.status,
    key: row.key,
    expected: row.expected ?? null,
    actual: row.actual ?? null,
    detail: `${row.fact}${more}; likely cause: ${cause}.`,
    events: events.slice(0, MAX_EVENTS),
  };
}
