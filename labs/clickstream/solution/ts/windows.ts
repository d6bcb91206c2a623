// Clicks per url in 60 s tumbling event-time windows with 30 s of grace, emitted once per window
// when it closes. Pure logic, no Kafka: main.ts feeds it records and writes what it returns.

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

/** One output row: the final count of one url in one window [window_start, window_end). */
export interface WindowCount {
  url: string;
  window_start: number;
  window_end: number;
  count: number;
}

type ParsedRecord = { kind: 'click'; click: Click } | { kind: 'control'; ts: number } | { kind: 'malformed' };

/** What one input record was, and the windows it closed (to be written to the output topic). */
export interface Handled {
  /** `late`: copy the record unchanged to the late topic. */
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

function parseObject(value: string | null): Record<string, unknown> | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// Event times are integer epoch milliseconds; anything else would make window bounds meaningless.
const isEventTime = (ts: unknown): ts is number => Number.isSafeInteger(ts);

/** Classifies a record by its key and value; never throws. */
function parseRecord(key: string | null, value: string | null): ParsedRecord {
  const json = parseObject(value);
  if (!json) return { kind: 'malformed' };
  if (key === CONTROL_KEY) {
    const { type, ts } = json;
    return (type === 'tick' || type === 'flush') && isEventTime(ts) ? { kind: 'control', ts } : { kind: 'malformed' };
  }
  const { event_id, user_id, url, ts } = json;
  if (typeof event_id !== 'string' || typeof user_id !== 'string' || typeof url !== 'string' || !isEventTime(ts)) {
    return { kind: 'malformed' };
  }
  return { kind: 'click', click: { event_id, user_id, url, ts } };
}

export class ClickWindows {
  /** The largest ts seen so far, from clicks and control records of every partition. */
  private streamTime = Number.NEGATIVE_INFINITY;
  /** Counts of the windows still open: window start → url → count. */
  private readonly open = new Map<number, Map<string, number>>();

  handle(key: string | null, value: string | null): Handled {
    const record = parseRecord(key, value);
    if (record.kind === 'malformed') return { kind: 'malformed', closed: [] };
    if (record.kind === 'control') return { kind: 'control', closed: this.advanceTo(record.ts) };

    const { url, ts } = record.click;
    const start = windowStart(ts);
    // Late is judged against stream time before this event; its own ts can never close its own window.
    if (this.isClosed(start)) return { kind: 'late', closed: [] };
    const counts = this.open.get(start) ?? new Map<string, number>();
    counts.set(url, (counts.get(url) ?? 0) + 1);
    this.open.set(start, counts);
    return { kind: 'counted', closed: this.advanceTo(ts) };
  }

  private isClosed(start: number): boolean {
    return this.streamTime >= start + WINDOW_MS + GRACE_MS;
  }

  /** Moves stream time forward (never back) and removes and returns every window that closed. */
  private advanceTo(ts: number): WindowCount[] {
    if (ts <= this.streamTime) return [];
    this.streamTime = ts;
    const closed: WindowCount[] = [];
    for (const [start, counts] of this.open) {
      if (!this.isClosed(start)) continue;
      this.open.delete(start);
      for (const [url, count] of counts) closed.push({ url, window_start: start, window_end: start + WINDOW_MS, count });
    }
    return closed.sort((a, b) => a.window_start - b.window_start);
  }
}
