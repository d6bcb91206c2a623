// The grade report: what `streamlab grade --reporter json` writes (results.json), what the site's
// Grade panel renders, and what the pretty and JUnit reporters are made from. Documented for
// instructors in graders/harness/RESULTS.md; change both together and bump `schemaVersion`.
import { z } from 'zod';

/** The classes of a bad row in a windowed diff (DESIGN.md §6); BAD_FORMAT marks an output record
 *  that is not in the lab's format at all. */
export const diffStatus = z.enum(['MISSING', 'UNEXPECTED', 'WRONG_VALUE', 'DUPLICATE', 'EARLY', 'LATE_COUNTED', 'LATE_LOST', 'BAD_FORMAT']);

/** An input event behind a bad row, as the grader produced it and read it back. */
export const provenanceEvent = z.object({
  eventId: z.string().nullable(),
  partition: z.number().int(),
  offset: z.string(),
  ts: z.number().nullable(),
  /** Stream time (largest ts seen before this event, across all partitions) when it arrived. */
  streamTimeAtArrival: z.number().nullable(),
  /** How the reference model classified it. */
  classification: z.enum(['on-time', 'late', 'malformed', 'control']),
});

export const diffRow = z.object({
  status: diffStatus,
  /** Output key, e.g. `/home|1700000040000`. */
  key: z.string(),
  expected: z.unknown().nullable(),
  actual: z.unknown().nullable(),
  /** One sentence on what is wrong with this row and its likely cause. */
  detail: z.string(),
  events: z.array(provenanceEvent),
});

export const checkResult = z.object({
  name: z.string(),
  passed: z.boolean(),
  message: z.string(),
  /** Named finding when failed, e.g. `LATE_COUNTED`, `CRASHED`, `TIMED_OUT`, `BAD_FORMAT`. */
  finding: z.string().nullable(),
  diff: z.array(diffRow),
});

export const submissionOutcome = z.object({
  command: z.string(),
  /** Exit code if the process ended on its own during grading, else null. */
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  restarts: z.number().int(),
  stdoutTail: z.string(),
  stderrTail: z.string(),
});

export const scenarioResult = z.object({
  name: z.string(),
  description: z.string(),
  verdict: z.enum(['pass', 'fail', 'error']),
  seed: z.number().int(),
  durationMs: z.number(),
  inputEvents: z.number().int(),
  outputRecords: z.number().int(),
  checks: z.array(checkResult),
  submission: submissionOutcome.nullable(),
  /** Reason for an `error` verdict (what prevented grading). */
  error: z.string().nullable(),
  replay: z.string(),
});

export const gradeReport = z.object({
  schemaVersion: z.literal(1),
  lab: z.string(),
  verdict: z.enum(['pass', 'fail', 'error']),
  seed: z.number().int(),
  submission: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  scenarios: z.array(scenarioResult),
  /** Set when grading could not run at all (bad arguments, broker unavailable). */
  error: z.string().nullable(),
  /** One-line command that replays this grading run. */
  replay: z.string(),
});

export type DiffStatus = z.infer<typeof diffStatus>;
export type ProvenanceEvent = z.infer<typeof provenanceEvent>;
export type DiffRow = z.infer<typeof diffRow>;
export type CheckResult = z.infer<typeof checkResult>;
export type SubmissionOutcome = z.infer<typeof submissionOutcome>;
export type ScenarioResult = z.infer<typeof scenarioResult>;
export type GradeReport = z.infer<typeof gradeReport>;

/** Progress events streamed while grading (CLI progress display, site Grade panel). */
export type GradeProgress =
  | { type: 'start'; lab: string; scenarios: string[]; seed: number }
  | { type: 'scenario-start'; scenario: string; index: number; total: number }
  | { type: 'step'; scenario: string; message: string }
  | { type: 'scenario-end'; scenario: string; result: ScenarioResult }
  | { type: 'end'; report: GradeReport };
