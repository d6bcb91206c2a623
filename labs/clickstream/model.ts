// The reference model of the clickstream lab (DESIGN.md §7), a pure function of the input topic
// as read back after a run: the windows a correct submission writes, the late events it copies to
// LATE_TOPIC, and how each input record was classified, with the stream time at its arrival.
//
// A submission may interleave the input partitions in any order, so the model also proves the
// scenario deterministic: it bounds each record's stream time over every interleaving the steps
// allow and reports as ambiguous any event whose on-time/late classification depends on it (and
// any record that could move stream time for one reader but not another). An ambiguity is a bug
// in the scenario, caught by the scenario tests and refused by the judge.
import { z } from 'zod';
import { CONTROL_KEY } from '../../graders/harness/lab-definition.ts';
import type { InputRecord, Step } from '../../graders/harness/lab-definition.ts';
import type { ProvenanceEvent } from '../../graders/harness/report-schema.ts';

export const WINDOW_MS = 60_000;
export const GRACE_MS = 30_000;

/** One output row: the final count of one url in one window [window_start, window_end). */
export interface WindowCount {
  url: string;
  window_start: number;
  window_end: number;
  count: number;
}

export const windowCount = z.object({ url: z.string(), window_start: z.int(), window_end: z.int(), count: z.int() });

/** A click as on the wire (DESIGN.md §7). */
export interface Click {
  event_id: string;
  user_id: string;
  url: string;
  ts: number;
}

/** Epoch-aligned start of the window holding `ts`. */
export const windowStartOf = (ts: number): number => ts - (((ts % WINDOW_MS) + WINDOW_MS) % WINDOW_MS);
export const windowKey = (url: string, windowStart: number): string => `${url}|${windowStart}`;
/** The stream time at which the window starting at `windowStart` closes. */
export const closeTimeOf = (windowStart: number): number => windowStart + WINDOW_MS + GRACE_MS;

export type ParsedInput = { kind: 'click'; click: Click } | { kind: 'control'; ts: number } | { kind: 'malformed'; json: unknown };

function parseJson(value: string | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (json: unknown): json is Record<string, unknown> => typeof json === 'object' && json !== null && !Array.isArray(json);
// Event times are integer epoch milliseconds.
const isEventTime = (ts: unknown): ts is number => Number.isSafeInteger(ts);

/** Classifies a record by its key and value (DESIGN.md §5, §7); checked by hand, not with zod,
 *  because the high-volume scenario parses 100,000 of them per judgement. */
function parseInput(key: string | null, value: string | null): ParsedInput {
  const json = parseJson(value);
  if (!isObject(json)) return { kind: 'malformed', json };
  if (key === CONTROL_KEY) {
    const { type, ts } = json;
    return (type === 'tick' || type === 'flush') && isEventTime(ts) ? { kind: 'control', ts } : { kind: 'malformed', json };
  }
  const { event_id, user_id, url, ts } = json;
  if (typeof event_id !== 'string' || typeof user_id !== 'string' || typeof url !== 'string' || !isEventTime(ts)) return { kind: 'malformed', json };
  return { kind: 'click', click: { event_id, user_id, url, ts } };
}

export type Classification = ProvenanceEvent['classification'];

export interface ModelRecord {
  record: InputRecord;
  parsed: ParsedInput;
  classification: Classification;
  /** The largest event time before this record in production order (null: none yet). */
  streamTimeAtArrival: number | null;
}

export interface ModelWindow {
  value: WindowCount;
  /** The step of the first input record whose event time closes the window. */
  closingStep: number;
  /** The on-time clicks counted in it. */
  events: ModelRecord[];
}

export interface Ambiguity {
  record: InputRecord;
  reason: string;
}

export interface ClickstreamModel {
  /** Every input record in production order: steps in order, within a step partition by partition. */
  records: ModelRecord[];
  /** The windows that close by the end of the input, by output key. */
  windows: Map<string, ModelWindow>;
  /** Each late click once, in production order. */
  late: ModelRecord[];
}

const eventTimeOf = (parsed: ParsedInput): number | null =>
  parsed.kind === 'click' ? parsed.click.ts : parsed.kind === 'control' ? parsed.ts : null;

const byProduction = (a: InputRecord, b: InputRecord) => a.step - b.step || a.partition - b.partition || compareOffsets(a.offset, b.offset);
// Offsets are decimal strings without leading zeros: shorter is smaller, equal lengths compare as text.
const compareOffsets = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/** Runs the model over the input records of every partition (their order does not matter). */
export function runModel(inputs: readonly InputRecord[]): ClickstreamModel {
  const ordered = [...inputs].sort(byProduction);
  const records: ModelRecord[] = [];
  const counts = new Map<string, { value: WindowCount; events: ModelRecord[] }>();
  const late: ModelRecord[] = [];
  // Running maximum after each record, for finding the step that closes each window.
  const maxAfter: number[] = [];
  let streamTime: number | null = null;
  for (const record of ordered) {
    const parsed = parseInput(record.key, record.value);
    let classification: Classification = parsed.kind === 'click' ? 'on-time' : parsed.kind;
    if (parsed.kind === 'click') {
      const start = windowStartOf(parsed.click.ts);
      if (streamTime !== null && streamTime >= closeTimeOf(start)) classification = 'late';
    }
    const modelRecord: ModelRecord = { record, parsed, classification, streamTimeAtArrival: streamTime };
    records.push(modelRecord);
    if (classification === 'late') late.push(modelRecord);
    if (classification === 'on-time' && parsed.kind === 'click') {
      const { url, ts } = parsed.click;
      const start = windowStartOf(ts);
      const key = windowKey(url, start);
      const window = counts.get(key) ?? { value: { url, window_start: start, window_end: start + WINDOW_MS, count: 0 }, events: [] };
      window.value.count += 1;
      window.events.push(modelRecord);
      counts.set(key, window);
    }
    const ts = eventTimeOf(parsed);
    if (ts !== null && (streamTime === null || ts > streamTime)) streamTime = ts;
    maxAfter.push(streamTime ?? Number.NEGATIVE_INFINITY);
  }

  const windows = new Map<string, ModelWindow>();
  for (const [key, { value, events }] of counts) {
    const closing = firstIndexAtLeast(maxAfter, closeTimeOf(value.window_start));
    const closer = closing === -1 ? undefined : ordered[closing];
    if (closer) windows.set(key, { value, closingStep: closer.step, events });
  }
  return { records, windows, late };
}

/** Index of the first element ≥ `target` in a non-decreasing array, or -1. */
function firstIndexAtLeast(sorted: readonly number[], target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Number.POSITIVE_INFINITY) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo < sorted.length ? lo : -1;
}

/** The latest time a submission could take from the record: its event time, its record
 *  timestamp, or a numeric `ts` even when the record is malformed. */
function latestTimeHint(record: InputRecord, parsed: ParsedInput): number {
  const ts = eventTimeOf(parsed);
  let latest = ts === null ? record.timestamp : Math.max(record.timestamp, ts);
  if (parsed.kind === 'malformed' && isObject(parsed.json) && 'ts' in parsed.json) {
    const loose = Number(parsed.json.ts);
    if (Number.isFinite(loose)) latest = Math.max(latest, loose);
  }
  return latest;
}

/** A malformed record that a lenient reader (one that needs only url and ts) would count. */
function passesAsClick(parsed: ParsedInput): boolean {
  if (parsed.kind !== 'malformed' || !isObject(parsed.json)) return false;
  const { url, ts } = parsed.json;
  return typeof url === 'string' && (typeof ts === 'number' || (typeof ts === 'string' && ts.trim() !== '' && Number.isFinite(Number(ts))));
}

const NONE = Number.NEGATIVE_INFINITY;
const show = (t: number) => (t === NONE ? 'nothing' : String(t));

/**
 * The records whose classification could differ between submissions that follow the spec: with
 * the partitions interleaved differently, or reading time from a record it skips. `steps` (the
 * scenario's) place the settle barriers; without them every record races every other partition's.
 *
 * Stream time at a record r (partition p, segment g; segments are separated by settle steps, which
 * wait until the submission consumed everything produced before them):
 * - at least what every interleaving has seen: p's records before r, and every record of earlier
 *   segments;
 * - at most what some interleaving has seen: p's records before r, and every record of the other
 *   partitions up to the end of segment g.
 */
export function findAmbiguities(model: ClickstreamModel, steps: readonly Step[] = []): Ambiguity[] {
  const { records } = model;
  const segmentOfStep: number[] = [];
  let segment = 0;
  for (const step of steps) {
    segmentOfStep.push(segment);
    if (step.kind === 'settle') segment += 1;
  }
  const segmentOf = (r: InputRecord) => segmentOfStep[r.step] ?? segment;
  const segments = segment + 1;
  const partitions = [...new Set(records.map((r) => r.record.partition))];

  // Largest valid event time per segment, and largest time hint per partition per segment.
  const validIn = new Array<number>(segments).fill(NONE);
  const hintIn = new Map(partitions.map((p) => [p, new Array<number>(segments).fill(NONE)]));
  for (const { record, parsed } of records) {
    const g = segmentOf(record);
    const ts = eventTimeOf(parsed);
    if (ts !== null) validIn[g] = Math.max(validIn[g] ?? NONE, ts);
    const row = hintIn.get(record.partition);
    if (row) row[g] = Math.max(row[g] ?? NONE, latestTimeHint(record, parsed));
  }
  const validBefore: number[] = [];
  let running = NONE;
  for (let g = 0; g < segments; g += 1) {
    validBefore.push(running);
    running = Math.max(running, validIn[g] ?? NONE);
  }
  const hintThrough = new Map(
    partitions.map((p) => {
      let max = NONE;
      return [p, (hintIn.get(p) ?? []).map((v) => (max = Math.max(max, v)))];
    }),
  );

  const ambiguities: Ambiguity[] = [];
  const valueOwners = new Map<string, InputRecord>();
  // Production order is offset order within a partition.
  const byPartition = new Map(partitions.map((p) => [p, records.filter((r) => r.record.partition === p)]));
  for (const [partition, list] of byPartition) {
    let validSoFar = NONE;
    let hintSoFar = NONE;
    for (const { record, parsed } of list) {
      const g = segmentOf(record);
      const least = Math.max(validSoFar, validBefore[g] ?? NONE);
      let most = hintSoFar;
      for (const [other, through] of hintThrough) if (other !== partition) most = Math.max(most, through[g] ?? NONE);
      const flag = (reason: string) => ambiguities.push({ record, reason });

      const ts = eventTimeOf(parsed);
      if (ts !== null && record.timestamp !== ts) flag(`its record timestamp ${record.timestamp} differs from its value's ts ${ts}`);
      if (parsed.kind === 'click') {
        const closes = closeTimeOf(windowStartOf(parsed.click.ts));
        if (least >= closes !== most >= closes) {
          flag(`on time or late depending on how partitions interleave: stream time at its arrival is between ${show(least)} and ${show(most)}, and its window closes at ${closes}`);
        }
        const owner = valueOwners.get(record.value ?? '');
        if (owner) flag(`same value as partition ${owner.partition} offset ${owner.offset}, so their late-topic copies cannot be told apart`);
        else valueOwners.set(record.value ?? '', record);
      }
      if (parsed.kind === 'malformed') {
        if (passesAsClick(parsed)) flag('malformed only for a strict reader: it has a url and a ts, so a reader that needs only those would count it');
        const highest = latestTimeHint(record, parsed);
        if (highest > least) flag(`malformed, but a reader taking its time ${highest} would move stream time past ${show(least)}`);
      }
      if (ts !== null) validSoFar = Math.max(validSoFar, ts);
      hintSoFar = Math.max(hintSoFar, latestTimeHint(record, parsed));
    }
  }
  return ambiguities;
}

/** The provenance of an input record in reports. */
export function provenanceOf(r: ModelRecord): ProvenanceEvent {
  const json = r.parsed.kind === 'malformed' ? r.parsed.json : undefined;
  const looseId = typeof json === 'object' && json !== null && 'event_id' in json && typeof json.event_id === 'string' ? json.event_id : null;
  return {
    eventId: r.parsed.kind === 'click' ? r.parsed.click.event_id : looseId,
    partition: r.record.partition,
    offset: r.record.offset,
    ts: eventTimeOf(r.parsed),
    streamTimeAtArrival: r.streamTimeAtArrival,
    classification: r.classification,
  };
}
