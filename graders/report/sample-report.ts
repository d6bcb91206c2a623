// A grade report with a bit of everything a reporter must show (a pass, a fail with a diff and
// provenance, a scenario that could not be graded, submission stderr with terminal colours and
// XML-hostile text), for the reporter tests.
import type { GradeReport, ScenarioResult } from '../harness/report-schema.ts';

const submission = { command: 'node main.ts', exitCode: null, signal: null, restarts: 0, stdoutTail: 'clickstream: reading', stderrTail: '' };

const passed: ScenarioResult = {
  name: 'in-order',
  description: 'Clicks in time order.',
  verdict: 'pass',
  seed: 101,
  durationMs: 1500,
  inputEvents: 22,
  outputRecords: 15,
  checks: [
    { name: 'submission ran', passed: true, message: 'ran until the grader stopped it', finding: null, diff: [] },
    { name: 'window table', passed: true, message: 'all 15 windows match the reference model (last record per key)', finding: null, diff: [] },
  ],
  submission,
  error: null,
  replay: 'npx streamlab grade clickstream --submission work --seed 1 --scenario in-order',
};

const failed: ScenarioResult = {
  name: 'late-events',
  description: 'Clicks that arrive when their window has closed.',
  verdict: 'fail',
  seed: 202,
  durationMs: 1900,
  inputEvents: 24,
  outputRecords: 16,
  checks: [
    { name: 'submission ran', passed: true, message: 'ran until the grader stopped it', finding: null, diff: [] },
    {
      name: 'window table',
      passed: false,
      message: "the output, read as a table (last record per key), differs from the reference model's 11 windows: 1 WRONG_VALUE",
      finding: 'WRONG_VALUE',
      diff: [
        {
          status: 'WRONG_VALUE',
          key: '/pricing|978307200000',
          expected: { url: '/pricing', window_start: 978307200000, window_end: 978307260000, count: 3 },
          actual: { url: '/pricing', window_start: 978307200000, window_end: 978307260000, count: 4 },
          detail: 'count 4 (expected 3); likely cause: late clicks were counted after the window had closed; route them to LATE_TOPIC instead.',
          events: [
            { eventId: 'e-000012', partition: 0, offset: '11', ts: 978307212000, streamTimeAtArrival: 978307290000, classification: 'late' },
            { eventId: 'e-000002', partition: 0, offset: '1', ts: 978307203000, streamTimeAtArrival: null, classification: 'on-time' },
          ],
        },
      ],
    },
    {
      name: 'late events copied',
      passed: false,
      message: 'the late topic should hold each of the 4 late events once, unchanged, and nothing else: 1 LATE_LOST',
      finding: 'LATE_LOST',
      diff: [
        {
          status: 'LATE_LOST',
          key: '/pricing|978307200000',
          expected: '{"event_id":"e-000012","user_id":"u-3","url":"/pricing","ts":978307212000}',
          actual: null,
          detail: 'this late event is not on the late topic; likely cause: late events were discarded instead of copied to the late topic.',
          events: [{ eventId: 'e-000012', partition: 0, offset: '11', ts: 978307212000, streamTimeAtArrival: 978307290000, classification: 'late' }],
        },
      ],
    },
  ],
  submission: { ...submission, exitCode: 1, stderrTail: 'warning: \u001b[31mred\u001b[0m text]]> & <tag> \u0007\nTypeError: boom' },
  error: null,
  replay: 'npx streamlab grade clickstream --submission work --seed 1 --scenario late-events',
};

const errored: ScenarioResult = {
  name: 'high-volume',
  description: 'Many clicks.',
  verdict: 'error',
  seed: 303,
  durationMs: 400,
  inputEvents: 0,
  outputRecords: 0,
  checks: [],
  submission: null,
  error: 'reading sl.x.high-volume.input did not catch up within 30000 ms',
  replay: 'npx streamlab grade clickstream --submission work --seed 1 --scenario high-volume',
};

export const sampleReport: GradeReport = {
  schemaVersion: 1,
  lab: 'clickstream',
  verdict: 'error',
  seed: 1,
  submission: 'work',
  startedAt: '2026-11-21T10:00:00.000Z',
  durationMs: 3800,
  scenarios: [passed, failed, errored],
  error: null,
  replay: 'npx streamlab grade clickstream --submission work --seed 1',
};

export const passingReport: GradeReport = { ...sampleReport, verdict: 'pass', scenarios: [passed] };
