// What a lab's grader.ts exports (default export, built with `defineLab`). A lab is data plus this
// small definition; the harness (runner, supervisor, reporters) never changes when a lab is added.
import type { KafkaRecord } from '../kafka/client.ts';
import type { CheckResult, SubmissionOutcome } from './report-schema.ts';

/** The reserved key of control records (time ticks, end-of-input flush), DESIGN.md §5. */
export const CONTROL_KEY = '__ctl__';

/** A topic the lab uses, by logical name ('input', 'output', 'late', …). */
export interface TopicDefinition {
  partitions: number;
  /** Environment variable that carries the run's real topic name to the submission, e.g. INPUT_TOPIC. */
  env: string;
  /** Who writes it: the grader (input) or the submission (output). */
  role: 'input' | 'output';
}

/** One step of a scenario script. Every produce carries explicit partitions and timestamps. */
export type Step =
  /** Produce records to a grader-written topic (default 'input') and wait for the acks. */
  | { kind: 'produce'; topic?: string; records: ProducedRecord[] }
  /** A control tick `{"type":"tick","ts":ts}` on every partition of the input topic. */
  | { kind: 'tick'; ts: number }
  /** The end-of-input control flush on every partition of the input topic, far past every window. */
  | { kind: 'flush' }
  /** Wall-clock stall with no input (catches processing-time logic). */
  | { kind: 'pause'; ms: number }
  /** Barrier: wait until the submission caught up (output quiet, input consumed), capped. */
  | { kind: 'settle' }
  | { kind: 'kill'; signal: 'SIGTERM' | 'SIGKILL' }
  | { kind: 'restart' }
  | { kind: 'restartBroker' }
  | { kind: 'startSecondInstance' };

/** A record a scenario produces: partition and event timestamp are always explicit. */
export interface ProducedRecord {
  partition: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

/** An input record as read back from the topic after the run, with the step that produced it. */
export interface InputRecord extends KafkaRecord {
  /** Index into the scenario's steps of the step that produced it. */
  step: number;
}

/** An output record with the moment it was first seen, measured in steps: every step with an
 *  index ≤ `producedThroughStep` had begun producing when the record was observed, none after. */
export interface ObservedRecord extends KafkaRecord {
  producedThroughStep: number;
}

/** Everything the judge gets after a scenario ran. */
export interface Observation {
  scenario: string;
  steps: Step[];
  /** Records of each grader-written topic, read back (offset order within a partition). */
  inputs: Record<string, InputRecord[]>;
  /** Records of each submission-written topic, read_committed, in arrival order. */
  outputs: Record<string, ObservedRecord[]>;
  submission: SubmissionOutcome;
}

export interface ScenarioDefinition {
  /** kebab-case, stable: used by `--scenario`, results and replay commands. */
  name: string;
  description: string;
  /** The seeded script. The same seed must give the same steps. */
  steps(seed: number): Step[];
  /** Hard cap for the whole scenario (default set by the runner). */
  timeoutMs?: number;
}

export interface LabDefinition {
  slug: string;
  topics: Record<string, TopicDefinition>;
  /** Gives the submission TRANSACTIONAL_ID (labs that need exactly-once output). */
  transactional?: boolean;
  scenarios: ScenarioDefinition[];
  /** How many records a correct submission writes to each output topic for this input, so the
   *  runner can stop waiting as soon as they are there (it still waits for quiet after). */
  expectedCounts(inputs: Record<string, InputRecord[]>): Record<string, number>;
  /** The checks of one scenario. Pure: no I/O, no clock. */
  judge(observation: Observation): CheckResult[];
  /** The finding the starter must fail with (check-labs verifies it). */
  starterFinding: string;
}

/** Identity function that gives a lab definition its type. */
export function defineLab(definition: LabDefinition): LabDefinition {
  return definition;
}
