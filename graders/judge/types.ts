// The shapes a windowed lab hands to the generic judge (windowed.ts): its output format, the
// windows its reference model expects, its late events, and hooks for provenance and hints.
import type { z } from 'zod';
import type { ObservedRecord } from '../harness/lab-definition.ts';
import type { DiffStatus, ProvenanceEvent } from '../harness/report-schema.ts';

/** What one output record must look like: a JSON value of this schema under the key it implies. */
export interface OutputFormat<V> {
  /** Shown when a record does not match, e.g. `key "<url>|<window_start>", value {"url",…,"count"}`. */
  description: string;
  value: z.ZodType<V>;
  keyOf(value: V): string;
}

/** An output record in the lab's format. */
export interface OutputRow<V> {
  key: string;
  value: V;
  record: ObservedRecord;
}

/** A window the reference model expects in the output. */
export interface ExpectedWindow<V> {
  value: V;
  /** Index of the first step whose input closes the window: a record for it seen before that
   *  step began producing is EARLY. */
  closingStep: number;
}

/** An input event that arrived after its window closed. */
export interface LateEvent {
  /** The exact value (UTF-8 text of the bytes) the submission must copy to the late topic. */
  value: string;
  /** Output key of the window it must not be counted in. */
  windowKey: string;
  event: ProvenanceEvent;
}

/** An input record found by its exact value, to say what a stray late-topic record is. */
export interface InputByValue {
  event: ProvenanceEvent;
  windowKey: string | null;
}

export interface LateInput<V> {
  /** Records the submission wrote to the late topic, in arrival order. */
  output: readonly ObservedRecord[];
  /** Every late event, once. */
  events: readonly LateEvent[];
  /** The input record with exactly this value, if any. */
  findInput(value: string): InputByValue | undefined;
  /** True when the records written for a window (arrival order) show some of its `lateEvents`
   *  late events counted: added to `expected` (null: no window expected), or counted again in a
   *  window written anew after it closed. */
  countsLate(expected: V | null, written: readonly V[], lateEvents: number): boolean;
}

/** A bad row before its provenance and explanation are attached. */
export interface RowDraft<V> {
  status: DiffStatus;
  key: string;
  /** What the report shows as expected and actual. */
  expected: unknown;
  actual: unknown;
  /** The lab-format values behind the row, for explanations (null where there is none). */
  expectedValue: V | null;
  actualValue: V | null;
  /** What is wrong, as a clause: "count 4, expected 3". */
  fact: string;
  /** Likely cause when the module that found the row knows better than the generic hint. */
  cause?: string;
  /** Provenance when the module that found the row knows it (late-topic rows). */
  events?: ProvenanceEvent[];
}

export interface WindowedJudgeInput<V> {
  format: OutputFormat<V>;
  /** Records of the output topic, read_committed, in arrival order. */
  output: readonly ObservedRecord[];
  /** The windows the reference model expects, by output key. */
  expected: ReadonlyMap<string, ExpectedWindow<V>>;
  /** The input events behind a window (including neighbours that explain off-by-one rows), most
   *  telling first. `value` is the expected value, else the actual one. */
  eventsFor(key: string, value: V | null): ProvenanceEvent[];
  /** A lab-specific likely cause for a row; the generic one for its status otherwise. */
  explain?(row: RowDraft<V>, events: readonly ProvenanceEvent[]): string | undefined;
  /** Names a step in EARLY rows, e.g. "step 7 (tick)". */
  describeStep?(index: number): string;
  /** Labs with a late topic. */
  late?: LateInput<V>;
}
