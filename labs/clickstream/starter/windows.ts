// Clicks per url in 60 s tumbling event-time windows. Pure logic, no Kafka: main.ts feeds it every
// input record and writes what it returns. This is where most of your work is: see the TODOs.

export const WINDOW_MS = 60_000;
export const GRACE_MS = 30_000;
/** Key of control records (time ticks, end-of-input flush). */
export const CONTROL_KEY = '__ctl__';

/** A click, named as on the wire. */
interface Click {
  event_id: string;
  user_id: string;
  url: string;
  ts: number;
}

/** One output row: the count of one url in one window [window_start, window_end). */
export interface WindowCount {
  url: string;
  window_start: number;
  window_end: number;
  count: number;
}

/** What one input record was, and the output rows to write for it. */
export interface Handled {
  /** `late`: main.ts should copy the record unchanged to the late topic. */
  kind: 'counted' | 'late' | 'control' | 'malformed';
  closed: WindowCount[];
}

/** Epoch-aligned start of the window holding `ts`; exact for negative times too. */
export function windowStart(ts: number): number {
  return ts - (((ts % WINDOW_MS) + WINDOW_MS) % WINDOW_MS);
}

export function outputKey(row: WindowCount): string {
  return `${row.url}|${row.window_start}`;
}

/** Reads a click from a record value; undefined when the value is not a JSON object. */
function parseClick(value: string | null): Click | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    // TODO(step 1): this trusts any JSON object to be a click. Check the fields: event_id, user_id
    // and url are strings and ts is an integer (Number.isSafeInteger); anything else is malformed.
    return typeof parsed === 'object' && parsed !== null ? (parsed as Click) : undefined;
  } catch {
    return undefined;
  }
}

export class ClickWindows {
  // TODO(step 2): keep stream time: the largest ts seen so far, from clicks AND control records,
  // whatever partition they came from. It only ever moves forward.

  /** Counts so far: window start → url → count. */
  private readonly counts = new Map<number, Map<string, number>>();

  handle(key: string | null, value: string | null): Handled {
    // TODO(step 1): a record with key CONTROL_KEY is a control record, {"type":"tick"|"flush","ts":N}:
    // never count it (kind 'control'), but its ts moves stream time forward (step 2).
    const click = parseClick(value);
    if (!click) return { kind: 'malformed', closed: [] };

    const start = windowStart(click.ts);
    // TODO(step 4): if this click's window has already closed (stream time ≥ window end + GRACE_MS),
    // the click is late: don't count it, return kind 'late' (main.ts copies it to LATE_TOPIC).
    const counts = this.counts.get(start) ?? new Map<string, number>();
    const count = (counts.get(click.url) ?? 0) + 1;
    counts.set(click.url, count);
    this.counts.set(start, counts);

    // TODO(step 3): this emits an updated count on every click (update emission). Emit final-only
    // instead: after moving stream time forward, return every window that is now closed (stream
    // time ≥ window end + GRACE_MS), once each, and forget it.
    return { kind: 'counted', closed: [{ url: click.url, window_start: start, window_end: start + WINDOW_MS, count }] };
  }
}
