// What the clickstream judge tells a learner about a bad row: the clicks behind it (with the
// neighbour at window_end that off-by-one bugs pull in) and the likely bug, read from those clicks.
import type { RowDraft } from '../../graders/judge/types.ts';
import type { ProvenanceEvent } from '../../graders/harness/report-schema.ts';
import { GRACE_MS, provenanceOf, WINDOW_MS } from './model.ts';
import type { ClickstreamModel, ModelRecord, WindowCount } from './model.ts';

const telling = (e: ProvenanceEvent, windowEnd: number) => (e.classification === 'late' ? 0 : e.ts === windowEnd ? 1 : 2);

/** The clicks (on time or late) of `value.url` with ts in [window_start, window_end]: the window's
 *  own and the one at exactly window_end. Late ones and that neighbour first. */
export function clicksBehind(model: ClickstreamModel): (key: string, value: WindowCount | null) => ProvenanceEvent[] {
  const byUrl = new Map<string, ModelRecord[]>();
  for (const r of model.records) {
    if (r.parsed.kind !== 'click') continue;
    const list = byUrl.get(r.parsed.click.url);
    if (list) list.push(r);
    else byUrl.set(r.parsed.click.url, [r]);
  }
  return (_key, value) => {
    if (!value) return [];
    const start = value.window_start;
    const end = start + WINDOW_MS;
    return (byUrl.get(value.url) ?? [])
      .filter((r) => r.parsed.kind === 'click' && r.parsed.click.ts >= start && r.parsed.click.ts <= end)
      .map(provenanceOf)
      .sort((a, b) => telling(a, end) - telling(b, end));
  };
}

const END_NOTE = 'the click at exactly window_end belongs to the next window: windows are [start, end)';
const START_NOTE = 'the click at exactly window_start belongs here, not to the previous window: window ends are exclusive';

const countOf = (events: readonly ProvenanceEvent[], holds: (e: ProvenanceEvent) => boolean) => events.filter(holds).length;

/** The likely bug behind a bad window row, when the clicks behind it show one. */
export function explainRow(row: RowDraft<WindowCount>, events: readonly ProvenanceEvent[]): string | undefined {
  const value = row.actualValue ?? row.expectedValue;
  if (!value) return undefined;
  const start = value.window_start;
  const end = start + WINDOW_MS;
  const own = events.filter((e) => e.ts !== null && e.ts >= start && e.ts < end);
  const atEnd = countOf(events, (e) => e.ts === end);
  const lateOwn = countOf(own, (e) => e.classification === 'late');
  // Late by the >= of the close rule alone: arrived when stream time was exactly end + grace.
  const lateAtClose = countOf(own, (e) => e.classification === 'late' && e.streamTimeAtArrival === end + GRACE_MS);
  const onTimeAtStart = countOf(own, (e) => e.classification === 'on-time' && e.ts === start);
  // On time, but arrived after window_end: counted only if the window waits out its grace.
  const inGrace = countOf(own, (e) => e.classification === 'on-time' && e.streamTimeAtArrival !== null && e.streamTimeAtArrival >= end);
  const actual = row.actualValue;

  if (actual && actual.window_start % WINDOW_MS !== 0) return `window_start must be aligned to the epoch (ts - ts % ${WINDOW_MS})`;
  if (actual && actual.window_end !== actual.window_start + WINDOW_MS) return `window_end must be window_start + ${WINDOW_MS} (60 s tumbling windows)`;
  const expected = row.expectedValue?.count ?? 0;
  const missing = expected - (actual?.count ?? 0);
  const lateCounted =
    lateAtClose === lateOwn
      ? `late clicks that arrived when stream time was exactly end + ${GRACE_MS} were counted: the window is closed then (>=, not >)`
      : 'late clicks were counted after the window had closed; route them to LATE_TOPIC instead';
  switch (row.status) {
    case 'LATE_COUNTED':
      return lateCounted;
    case 'WRONG_VALUE':
    case 'UNEXPECTED':
      if (missing < 0 && lateOwn >= -missing) return lateCounted;
      if (missing < 0 && atEnd >= -missing) return END_NOTE;
      if (row.status === 'UNEXPECTED' && events.length === 0) return 'no click falls in this window: control records (key __ctl__) counted as data, or windows taken from the wall clock';
      if (missing > 0) return shortfall(missing, { inGrace, onTimeAtStart, own, actual });
      return undefined;
    case 'MISSING':
      return shortfall(missing, { inGrace, onTimeAtStart, own, actual });
    default:
      return undefined;
  }
}

interface ShortfallFacts {
  inGrace: number;
  onTimeAtStart: number;
  own: readonly ProvenanceEvent[];
  actual: WindowCount | null;
}

function shortfall(missing: number, facts: ShortfallFacts): string | undefined {
  if (facts.inGrace >= missing) return `clicks that arrived after window_end but within the ${GRACE_MS / 1000} s grace were not counted: a window closes when stream time reaches end + ${GRACE_MS}`;
  if (facts.onTimeAtStart >= missing) return START_NOTE;
  const onTime = facts.own.filter((e) => e.classification === 'on-time');
  const partitions = new Set(onTime.map((e) => e.partition));
  if (facts.actual && partitions.size > 1) {
    const alone = [...partitions].find((p) => countOf(onTime, (e) => e.partition === p) === facts.actual?.count);
    if (alone !== undefined) return `the count equals partition ${alone}'s clicks alone: keep one count per url and window across all partitions`;
  }
  return undefined;
}
