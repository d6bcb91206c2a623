import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ObservedRecord } from '../harness/lab-definition.ts';
import { checkResult } from '../harness/report-schema.ts';
import type { CheckResult, ProvenanceEvent } from '../harness/report-schema.ts';
import { MAX_EVENTS, MAX_ROWS } from './check.ts';
import type { ExpectedWindow, InputByValue, LateEvent, LateInput, OutputFormat, WindowedJudgeInput } from './types.ts';
import { checkNames, judgeWindowed } from './windowed.ts';

// A toy windowed lab, so the judge is tested apart from any real one: value {k, start, n}, key "k|start".
interface Toy {
  k: string;
  start: number;
  n: number;
}
const format: OutputFormat<Toy> = {
  description: 'key "<k>|<start>", value {"k","start","n"}',
  value: z.object({ k: z.string(), start: z.int(), n: z.int() }),
  keyOf: (v) => `${v.k}|${v.start}`,
};
const toy = (k: string, start: number, n: number): Toy => ({ k, start, n });
const keyOf = (v: Toy) => format.keyOf(v);

let nextOffset = 0;
function out(value: Toy | string | null, producedThroughStep = 10, key?: string | null): ObservedRecord {
  const text = value === null || typeof value === 'string' ? value : JSON.stringify(value);
  const recordKey = key !== undefined ? key : value !== null && typeof value === 'object' ? keyOf(value) : 'k';
  return { topic: 'out', partition: 0, offset: String(nextOffset++), key: recordKey, value: text, timestamp: 0, producedThroughStep };
}

const event = (eventId: string, classification: ProvenanceEvent['classification'] = 'on-time', ts = 1): ProvenanceEvent => ({
  eventId,
  partition: 0,
  offset: eventId.replace(/\D/g, '') || '0',
  ts,
  streamTimeAtArrival: 0,
  classification,
});

function expectedOf(...windows: [Toy, number][]): Map<string, ExpectedWindow<Toy>> {
  return new Map(windows.map(([value, closingStep]) => [keyOf(value), { value, closingStep }]));
}

function judge(input: Partial<WindowedJudgeInput<Toy>> & Pick<WindowedJudgeInput<Toy>, 'expected' | 'output'>): CheckResult[] {
  const checks = judgeWindowed({ format, eventsFor: (key) => [event(`e-${key.length}`)], ...input });
  for (const check of checks) checkResult.parse(check); // every result fits the report schema
  return checks;
}
const byName = (checks: CheckResult[], name: string) => {
  const check = checks.find((c) => c.name === name);
  if (!check) throw new Error(`no check ${name}`);
  return check;
};
const statuses = (check: CheckResult) => check.diff.map((r) => `${r.status} ${r.key}`);

describe('windowed judge', () => {
  const a0 = toy('a', 0, 3);
  const b0 = toy('b', 0, 1);

  it('passes correct final-only output, each check with a plain message', () => {
    const checks = judge({ expected: expectedOf([a0, 2], [b0, 2]), output: [out(a0, 2), out(b0, 3)] });
    expect(checks.map((c) => [c.name, c.passed, c.finding])).toEqual([
      [checkNames.format, true, null],
      [checkNames.table, true, null],
      [checkNames.finalOnly, true, null],
    ]);
    expect(byName(checks, checkNames.table).message).toBe('all 2 windows match the reference model (last record per key)');
  });

  it('reports records not in the format as BAD_FORMAT and leaves them out of the table', () => {
    const output = [out('not json'), out(null), out('{"k":"a","start":0}'), out(toy('a', 0, 3), 10, 'wrong|key'), out(toy('b', 0, 1), 10, null)];
    const checks = judge({ expected: expectedOf([a0, 2], [b0, 2]), output });
    const formatCheck = byName(checks, checkNames.format);
    expect(formatCheck).toMatchObject({ passed: false, finding: 'BAD_FORMAT' });
    expect(formatCheck.message).toMatch(/^5 of 5 output records are not in the lab's format/);
    const details = formatCheck.diff.map((r) => r.detail);
    expect(details.some((d) => /not JSON/.test(d))).toBe(true);
    expect(details.some((d) => /no value/.test(d))).toBe(true);
    expect(details.some((d) => /n: /.test(d))).toBe(true);
    expect(details.some((d) => /calls for key "a\|0"/.test(d))).toBe(true);
    expect(details.some((d) => /has no key/.test(d))).toBe(true);
    expect(formatCheck.diff.every((r) => r.status === 'BAD_FORMAT' && r.expected === format.description)).toBe(true);
    expect(statuses(byName(checks, checkNames.table))).toEqual(['MISSING a|0', 'MISSING b|0']);
  });

  it('diffs the last record per key: WRONG_VALUE, then MISSING, then UNEXPECTED', () => {
    const checks = judge({ expected: expectedOf([a0, 2], [b0, 2]), output: [out(toy('a', 0, 2)), out(toy('a', 0, 4)), out(toy('c', 0, 1))] });
    const table = byName(checks, checkNames.table);
    expect(table.finding).toBe('WRONG_VALUE');
    expect(statuses(table)).toEqual(['WRONG_VALUE a|0', 'MISSING b|0', 'UNEXPECTED c|0']);
    expect(table.message).toMatch(/1 WRONG_VALUE, 1 MISSING, 1 UNEXPECTED$/);
    const [wrong] = table.diff;
    expect(wrong).toMatchObject({ expected: a0, actual: toy('a', 0, 4), events: [event('e-3')] });
    expect(wrong?.detail).toMatch(/^n 4 \(expected 3\); likely cause: /);
  });

  it('finds DUPLICATE and EARLY records in the log, DUPLICATE first', () => {
    const checks = judge({
      expected: expectedOf([a0, 5], [b0, 5]),
      output: [out(toy('a', 0, 1), 1), out(a0, 5), out(b0, 4)],
      describeStep: (i) => `step ${i} (tick)`,
    });
    expect(byName(checks, checkNames.table).passed).toBe(true);
    const finalOnly = byName(checks, checkNames.finalOnly);
    expect(finalOnly.finding).toBe('DUPLICATE');
    expect(statuses(finalOnly)).toEqual(['DUPLICATE a|0', 'EARLY a|0', 'EARLY b|0']);
    expect(finalOnly.diff[0]?.actual).toEqual([toy('a', 0, 1), a0]);
    expect(finalOnly.diff[1]?.detail).toMatch(/^written when input up to step 1 \(tick\) had been produced, but the window closes only at step 5 \(tick\)/);
  });

  it('calls a single record seen before its window closed EARLY, and one seen at the closing step on time', () => {
    const early = judge({ expected: expectedOf([a0, 5]), output: [out(a0, 4)] });
    expect(byName(early, checkNames.finalOnly).finding).toBe('EARLY');
    const onTime = judge({ expected: expectedOf([a0, 5]), output: [out(a0, 5)] });
    expect(byName(onTime, checkNames.finalOnly).passed).toBe(true);
    const beforeAnyInput = judge({ expected: expectedOf([a0, 0]), output: [out(a0, -1)] });
    expect(byName(beforeAnyInput, checkNames.finalOnly).diff[0]?.detail).toMatch(/before any input was produced/);
  });

  describe('late events', () => {
    const lateA = { value: '{"id":"L1"}', windowKey: 'a|0', event: event('L1', 'late') };
    const lateZ = { value: '{"id":"L2"}', windowKey: 'z|0', event: event('L2', 'late') };
    const onTime: InputByValue = { event: event('e7', 'on-time'), windowKey: 'a|0' };
    const control: InputByValue = { event: event('c8', 'control'), windowKey: null };
    const late = (output: ObservedRecord[], events: LateEvent[] = [lateA, lateZ]): LateInput<Toy> => ({
      output,
      events,
      findInput: (value) =>
        new Map([
          ['{"id":"e7"}', onTime],
          ['{"ctl":1}', control],
          [lateA.value, { event: lateA.event, windowKey: lateA.windowKey }],
          [lateZ.value, { event: lateZ.event, windowKey: lateZ.windowKey }],
        ]).get(value),
      countsLate: (expected, written, n) => written.some((v) => v.n - (expected?.n ?? 0) >= 1 && v.n - (expected?.n ?? 0) <= n),
    });

    it('passes when late events are copied once and never counted', () => {
      const checks = judge({ expected: expectedOf([a0, 1]), output: [out(a0, 1)], late: late([out(lateA.value), out(lateZ.value)]) });
      expect(checks.map((c) => c.passed)).toEqual([true, true, true, true, true]);
      expect(byName(checks, checkNames.lateTopic).message).toBe('all 2 late events were copied unchanged to the late topic, once each');
    });

    it('finds late events counted, in an expected window and in one that should not exist', () => {
      const checks = judge({ expected: expectedOf([a0, 1]), output: [out(toy('a', 0, 4), 1), out(toy('z', 0, 1), 1)], late: late([out(lateA.value), out(lateZ.value)]) });
      const counted = byName(checks, checkNames.lateNotCounted);
      expect(counted.finding).toBe('LATE_COUNTED');
      expect(statuses(counted)).toEqual(['LATE_COUNTED a|0', 'LATE_COUNTED z|0']);
      expect(counted.diff[1]).toMatchObject({ expected: null, actual: toy('z', 0, 1) });
    });

    it('does not blame late events for a count higher than they explain', () => {
      const checks = judge({ expected: expectedOf([a0, 1]), output: [out(toy('a', 0, 9), 1)], late: late([out(lateA.value), out(lateZ.value)]) });
      expect(byName(checks, checkNames.lateNotCounted).passed).toBe(true);
      expect(byName(checks, checkNames.table).finding).toBe('WRONG_VALUE');
    });

    it('finds late events lost, copied twice, and records that are not late events', () => {
      const output = [out(lateZ.value), out(lateZ.value), out('{"id":"e7"}'), out('{"ctl":1}'), out('{"id":"L1","changed":true}'), out(null)];
      const checks = judge({ expected: expectedOf([a0, 1]), output: [out(a0, 1)], late: late(output) });
      const topic = byName(checks, checkNames.lateTopic);
      expect(topic.finding).toBe('LATE_LOST');
      expect(statuses(topic)).toEqual(['LATE_LOST a|0', 'DUPLICATE z|0', 'UNEXPECTED a|0', 'UNEXPECTED k', 'UNEXPECTED k', 'UNEXPECTED k']);
      const detail = (i: number) => topic.diff[i]?.detail ?? '';
      expect(topic.diff[0]).toMatchObject({ expected: lateA.value, actual: null, events: [lateA.event] });
      expect(detail(1)).toMatch(/copied to the late topic 2 times/);
      expect(detail(2)).toMatch(/the input record was on-time.*an on-time event was treated as late/);
      expect(topic.diff.slice(3).map((r) => r.detail).join('\n')).toMatch(/control record/);
      expect(topic.diff.slice(3).map((r) => r.detail).join('\n')).toMatch(/not an unchanged copy/);
    });

    it('says so when a scenario has no late events', () => {
      const checks = judge({ expected: expectedOf([a0, 1]), output: [out(a0, 1)], late: late([], []) });
      expect(byName(checks, checkNames.lateNotCounted).message).toBe('no late events in this scenario');
      expect(byName(checks, checkNames.lateTopic).message).toBe('no late events in this scenario, and the late topic is empty');
    });
  });

  it('bounds the diff and the events per row, and says how many there were', () => {
    const windows = Array.from({ length: MAX_ROWS + 5 }, (_, i): [Toy, number] => [toy(`k${String(i).padStart(2, '0')}`, 0, 1), 1]);
    const many = Array.from({ length: MAX_EVENTS + 3 }, (_, i) => event(`e${i}`));
    const checks = judge({ expected: expectedOf(...windows), output: [], eventsFor: () => many });
    const table = byName(checks, checkNames.table);
    expect(table.diff).toHaveLength(MAX_ROWS);
    expect(table.message).toMatch(new RegExp(`${MAX_ROWS + 5} MISSING \\(first ${MAX_ROWS} of ${MAX_ROWS + 5} rows shown\\)$`));
    expect(table.diff[0]?.events).toHaveLength(MAX_EVENTS);
    expect(table.diff[0]?.detail).toMatch(new RegExp(`never written \\(first ${MAX_EVENTS} of ${MAX_EVENTS + 3} input events shown\\); likely cause: `));
    expect(table.diff[0]?.key).toBe('k00|0');
  });

  it('asks the lab for provenance and likely causes, with the values behind each row', () => {
    const asked: [string, Toy | null][] = [];
    const checks = judge({
      expected: expectedOf([a0, 1]),
      output: [out(toy('a', 0, 4), 1), out(toy('c', 0, 1), 1)],
      eventsFor: (key, value) => {
        asked.push([key, value]);
        return [event('e1')];
      },
      explain: (row, events) => (row.status === 'WRONG_VALUE' ? `lab hint for ${row.actualValue?.n} with ${events.length} event` : undefined),
    });
    expect(asked).toEqual([
      ['a|0', a0],
      ['c|0', toy('c', 0, 1)],
    ]);
    const table = byName(checks, checkNames.table);
    expect(table.diff[0]?.detail).toBe('n 4 (expected 3); likely cause: lab hint for 4 with 1 event.');
    expect(table.diff[1]?.detail).toMatch(/likely cause: window bounds not aligned/);
  });
});
