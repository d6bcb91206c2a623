import { describe, expect, it } from 'vitest';
import type { InputRecord, ObservedRecord, Observation, Step } from '../../graders/harness/lab-definition.ts';
import { checkResult } from '../../graders/harness/report-schema.ts';
import type { CheckResult } from '../../graders/harness/report-schema.ts';
import { simulateReadBack } from '../../graders/judge/read-back.ts';
import { checkNames } from '../../graders/judge/windowed.ts';
import lab from './grader.ts';
import { runModel, WINDOW_MS, windowKey, windowStartOf } from './model.ts';
import type { ClickstreamModel, ModelRecord, WindowCount } from './model.ts';
import { INPUT_PARTITIONS } from './scenarios.ts';

// The judge on hand-made outputs: what a correct submission writes (built from the model), then
// the same output bent the way a known bug bends it.

interface Run {
  steps: Step[];
  inputs: InputRecord[];
  model: ClickstreamModel;
}

function scenarioRun(name: string, seed = 1): Run {
  const scenario = lab.scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  const steps = scenario.steps(seed);
  const inputs = simulateReadBack(steps, { input: INPUT_PARTITIONS }).input ?? [];
  return { steps, inputs, model: runModel(inputs) };
}

let offset = 0;
const record = (topic: string, key: string | null, value: string | null, producedThroughStep: number): ObservedRecord => ({
  topic,
  partition: 0,
  offset: String(offset++),
  key,
  value,
  timestamp: 0,
  producedThroughStep,
});
const windowRecord = (value: WindowCount, seenAt: number) => record('output', windowKey(value.url, value.window_start), JSON.stringify(value), seenAt);

/** Final-only output, each window seen once its closing input was produced; late clicks copied. */
function correctOutput(model: ClickstreamModel) {
  const windows = [...model.windows.values()].sort((a, b) => a.closingStep - b.closingStep);
  return {
    output: windows.map((w) => windowRecord(w.value, w.closingStep)),
    late: model.late.map((r) => record('late', r.record.key, r.record.value, r.record.step)),
  };
}

function judge(run: Run, outputs: { output: ObservedRecord[]; late: ObservedRecord[] }, scenario = 'test'): CheckResult[] {
  const observation: Observation = {
    scenario,
    steps: run.steps,
    inputs: { input: run.inputs },
    outputs,
    submission: { command: 'node main.ts', exitCode: null, signal: null, restarts: 0, stdoutTail: '', stderrTail: '' },
  };
  const checks = lab.judge(observation);
  for (const check of checks) checkResult.parse(check);
  return checks;
}

const failed = (checks: CheckResult[]) => Object.fromEntries(checks.filter((c) => !c.passed).map((c) => [c.name, c.finding]));
const detailsOf = (checks: CheckResult[], name: string) => (checks.find((c) => c.name === name)?.diff ?? []).map((r) => `${r.status} ${r.detail}`).join('\n');
const tsOf = (r: ModelRecord) => (r.parsed.kind === 'click' ? r.parsed.click.ts : Number.NaN);
const urlOf = (r: ModelRecord) => (r.parsed.kind === 'click' ? r.parsed.click.url : '');

describe('clickstream judge', () => {
  for (const scenario of lab.scenarios) {
    it(`${scenario.name}: passes the output of a correct submission`, () => {
      const run = scenarioRun(scenario.name);
      const checks = judge(run, correctOutput(run.model), scenario.name);
      expect(checks.map((c) => c.name)).toEqual(Object.values(checkNames));
      expect(failed(checks)).toEqual({});
    });
  }

  it('expects as many records as the model has windows and late clicks', () => {
    const run = scenarioRun('late-events');
    expect(lab.expectedCounts({ input: run.inputs })).toEqual({ output: run.model.windows.size, late: run.model.late.length });
  });

  it('refuses to judge a scenario whose clicks depend on the partition interleaving', () => {
    const run = scenarioRun('three-partitions');
    const withoutSettles = run.steps.map((s): Step => (s.kind === 'settle' ? { kind: 'pause', ms: 0 } : s));
    expect(() => judge({ ...run, steps: withoutSettles }, correctOutput(run.model), 'three-partitions')).toThrow(/scenario 'three-partitions' is not deterministic: partition \d offset \d+ \(step \d+\) is on time or late depending/);
  });

  it('explains an inclusive window end by the clicks at the boundary', () => {
    const run = scenarioRun('in-order');
    // (start, end]: the click at exactly a window's start goes to the window before.
    const counts = new Map<string, WindowCount>();
    for (const r of run.model.records.filter((x) => x.classification === 'on-time')) {
      const start = windowStartOf(tsOf(r) - 1);
      const key = windowKey(urlOf(r), start);
      const value = counts.get(key) ?? { url: urlOf(r), window_start: start, window_end: start + WINDOW_MS, count: 0 };
      value.count += 1;
      counts.set(key, value);
    }
    const checks = judge(run, { output: [...counts.values()].map((v) => windowRecord(v, 100)), late: [] });
    expect(failed(checks)).toMatchObject({ [checkNames.table]: 'WRONG_VALUE' });
    const details = detailsOf(checks, checkNames.table);
    expect(details).toMatch(/the click at exactly window_end belongs to the next window/);
    expect(details).toMatch(/the click at exactly window_start belongs here/);
  });

  it('explains a missing grace by the clicks that arrived after window_end', () => {
    const run = scenarioRun('out-of-order');
    const inGrace = run.model.records.filter((r) => r.classification === 'on-time' && (r.streamTimeAtArrival ?? 0) >= windowStartOf(tsOf(r)) + WINDOW_MS);
    const { output } = correctOutput(run.model);
    const short = output.map((o) => {
      const value = JSON.parse(o.value ?? '') as WindowCount;
      const dropped = inGrace.filter((r) => urlOf(r) === value.url && windowStartOf(tsOf(r)) === value.window_start).length;
      return windowRecord({ ...value, count: value.count - dropped }, o.producedThroughStep);
    });
    const checks = judge(run, { output: short, late: inGrace.map((r) => record('late', r.record.key, r.record.value, 0)) });
    expect(failed(checks)).toMatchObject({ [checkNames.table]: 'WRONG_VALUE', [checkNames.lateTopic]: 'UNEXPECTED' });
    expect(detailsOf(checks, checkNames.table)).toMatch(/arrived after window_end but within the 30 s grace were not counted/);
    expect(detailsOf(checks, checkNames.lateTopic)).toMatch(/the input record was on-time.*an on-time event was treated as late/);
  });

  it('explains counts kept per partition by the partition whose clicks the count matches', () => {
    const run = scenarioRun('three-partitions');
    const output = [...run.model.windows.values()].map((w) => {
      const fromZero = w.events.filter((e) => e.record.partition === 0).length;
      return windowRecord({ ...w.value, count: fromZero }, w.closingStep);
    });
    const checks = judge(run, { output, late: correctOutput(run.model).late });
    expect(failed(checks)).toEqual({ [checkNames.table]: 'WRONG_VALUE' });
    expect(detailsOf(checks, checkNames.table)).toMatch(/the count equals partition 0's clicks alone/);
  });

  it('finds late clicks counted and lost, whether added to the count or counted in a reopened window', () => {
    const run = scenarioRun('late-events');
    const correct = correctOutput(run.model);
    const added = new Map<string, WindowCount>();
    for (const w of run.model.windows.values()) added.set(windowKey(w.value.url, w.value.window_start), { ...w.value });
    const reopened: ObservedRecord[] = [];
    for (const r of run.model.late) {
      const key = windowKey(urlOf(r), windowStartOf(tsOf(r)));
      const start = windowStartOf(tsOf(r));
      const value = added.get(key) ?? { url: urlOf(r), window_start: start, window_end: start + WINDOW_MS, count: 0 };
      added.set(key, { ...value, count: value.count + 1 });
      reopened.push(windowRecord({ url: urlOf(r), window_start: start, window_end: start + WINDOW_MS, count: 1 }, 100));
    }
    const addedChecks = judge(run, { output: [...added.values()].map((v) => windowRecord(v, 100)), late: [] });
    expect(failed(addedChecks)).toMatchObject({ [checkNames.lateNotCounted]: 'LATE_COUNTED', [checkNames.lateTopic]: 'LATE_LOST' });
    expect(detailsOf(addedChecks, checkNames.table)).toMatch(/late clicks were counted after the window had closed/);
    // The clicks late by the >= of the close rule alone get their own hint.
    expect(detailsOf(addedChecks, checkNames.lateNotCounted)).toMatch(/arrived when stream time was exactly end \+ 30000 were counted: the window is closed then \(>=, not >\)/);
    const reopenedChecks = judge(run, { output: [...correct.output, ...reopened], late: correct.late });
    expect(failed(reopenedChecks)).toMatchObject({ [checkNames.lateNotCounted]: 'LATE_COUNTED', [checkNames.finalOnly]: 'DUPLICATE' });
  });

  it('does not call a repeated final record a late click counted', () => {
    const run = scenarioRun('late-events');
    const correct = correctOutput(run.model);
    const checks = judge(run, { output: [...correct.output, ...correct.output.map((o) => ({ ...o, offset: `${o.offset}0` }))], late: correct.late });
    expect(failed(checks)).toEqual({ [checkNames.finalOnly]: 'DUPLICATE' });
  });

  it('names control records counted as data for windows no click falls in', () => {
    const run = scenarioRun('wall-clock-pause');
    const tick = run.steps.find((s) => s.kind === 'tick');
    const ts = tick?.kind === 'tick' ? tick.ts : 0;
    const bogus = { url: 'undefined', window_start: windowStartOf(ts), window_end: windowStartOf(ts) + WINDOW_MS, count: 3 };
    const checks = judge(run, { output: [...correctOutput(run.model).output, windowRecord(bogus, 100)], late: [] });
    expect(failed(checks)).toEqual({ [checkNames.table]: 'UNEXPECTED' });
    expect(detailsOf(checks, checkNames.table)).toMatch(/control records \(key __ctl__\) counted as data/);
  });

  it('names the closing tick in EARLY rows', () => {
    const run = scenarioRun('wall-clock-pause');
    const pause = run.steps.findIndex((s) => s.kind === 'pause');
    const early = correctOutput(run.model).output.map((o) => ({ ...o, producedThroughStep: pause - 2 }));
    const checks = judge(run, { output: early, late: [] });
    expect(failed(checks)).toEqual({ [checkNames.finalOnly]: 'EARLY' });
    expect(detailsOf(checks, checkNames.finalOnly)).toMatch(new RegExp(`closes only at step ${pause + 1} \\(tick to ts \\d+\\)`));
  });
});
