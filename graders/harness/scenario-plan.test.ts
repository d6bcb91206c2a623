import { describe, expect, it } from 'vitest';
import type { KafkaRecord } from '../kafka/client.ts';
import { CONTROL_KEY } from './lab-definition.ts';
import type { Step } from './lab-definition.ts';
import { assignSteps, chunkRecords, controlRecords, flushTimestamp, recordsOfStep, runNames, ScenarioDefinitionError, submissionEnv } from './scenario-plan.ts';

const DAY = 86_400_000;
const lab = {
  topics: {
    input: { partitions: 2, env: 'INPUT_TOPIC', role: 'input' as const },
    output: { partitions: 1, env: 'OUTPUT_TOPIC', role: 'output' as const },
    late: { partitions: 1, env: 'LATE_TOPIC', role: 'output' as const },
  },
};

describe('runNames', () => {
  it('prefixes every topic, the group and the transactional id with the run and scenario', () => {
    expect(runNames('r1', 'late-events', ['input', 'output'])).toEqual({
      topics: { input: 'sl.r1.late-events.input', output: 'sl.r1.late-events.output' },
      groupId: 'sl.r1.late-events.group',
      transactionalId: 'sl.r1.late-events.txn',
    });
  });
});

describe('submissionEnv', () => {
  const names = runNames('r1', 's', Object.keys(lab.topics));
  const base = { PATH: '/usr/bin', HOME: '/home/x', KAFKA_BROKERS: 'elsewhere:9092', TRANSACTIONAL_ID: 'stale' };

  it('sets the contract variables over the inherited environment', () => {
    const env = submissionEnv({ lab, names, brokers: ['127.0.0.1:1', '127.0.0.1:2'], runId: 'r1', instance: 1, pathPrepend: ['/node22/bin'], base });
    expect(env).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:1,127.0.0.1:2',
      INPUT_TOPIC: 'sl.r1.s.input',
      OUTPUT_TOPIC: 'sl.r1.s.output',
      LATE_TOPIC: 'sl.r1.s.late',
      GROUP_ID: 'sl.r1.s.group',
      STREAMLAB_RUN_ID: 'r1',
      HOME: '/home/x',
      PATH: '/node22/bin:/usr/bin',
    });
    expect(env.TRANSACTIONAL_ID).toBeUndefined();
  });

  it('gives transactional labs a stable id, distinct per instance', () => {
    const env = (instance: number) => submissionEnv({ lab: { ...lab, transactional: true }, names, brokers: ['b:1'], runId: 'r1', instance, pathPrepend: [], base });
    expect(env(1).TRANSACTIONAL_ID).toBe('sl.r1.s.txn');
    expect(env(2).TRANSACTIONAL_ID).toBe('sl.r1.s.txn.2');
  });
});

describe('control records', () => {
  it('puts one tick on every partition with the tick time as record timestamp', () => {
    expect(controlRecords('tick', 5000, 3)).toEqual([0, 1, 2].map((partition) => ({ partition, timestamp: 5000, key: CONTROL_KEY, value: '{"type":"tick","ts":5000}' })));
  });

  it('flushes ten days past the largest event or tick time before it', () => {
    const steps: Step[] = [
      { kind: 'produce', records: [{ partition: 0, timestamp: 7000, key: 'a', value: '{}' }, { partition: 1, timestamp: 3000, key: 'b', value: '{}' }] },
      { kind: 'tick', ts: 9000 },
      { kind: 'pause', ms: 10 },
    ];
    expect(flushTimestamp(steps)).toBe(9000 + 10 * DAY);
    expect(recordsOfStep({ kind: 'flush' }, steps, { input: 2 })).toEqual({ input: controlRecords('flush', 9000 + 10 * DAY, 2) });
  });

  it('rejects a produce to a partition the topic does not have', () => {
    const step: Step = { kind: 'produce', records: [{ partition: 2, timestamp: 1, key: null, value: null }] };
    expect(() => recordsOfStep(step, [], { input: 2 })).toThrow(ScenarioDefinitionError);
    expect(() => recordsOfStep({ kind: 'produce', topic: 'other', records: [] }, [], { input: 2 })).toThrow(/not an input topic/);
  });
});

describe('chunkRecords', () => {
  it('keeps order and stays under the byte budget', () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(100) }));
    const chunks = chunkRecords(records, 10_000);
    expect(chunks.flat()).toEqual(records);
    for (const chunk of chunks) expect(chunk.reduce((n, r) => n + r.key.length + r.value.length + 70, 0)).toBeLessThanOrEqual(10_000);
  });

  it('gives an oversized record a chunk of its own', () => {
    expect(chunkRecords([{ key: 'a', value: 'x'.repeat(50) }, { key: 'b', value: null }], 10)).toHaveLength(2);
  });
});

describe('assignSteps', () => {
  const record = (partition: number, offset: number, value: string): KafkaRecord => ({ topic: 't', partition, offset: String(offset), key: 'k', value, timestamp: 0 });
  const steps: Step[] = [
    { kind: 'produce', records: [{ partition: 0, timestamp: 1, key: 'k', value: 'a' }, { partition: 1, timestamp: 1, key: 'k', value: 'b' }, { partition: 0, timestamp: 2, key: 'k', value: 'c' }] },
    { kind: 'settle' },
    { kind: 'tick', ts: 10 },
    { kind: 'produce', records: [{ partition: 1, timestamp: 3, key: 'k', value: 'd' }] },
    { kind: 'flush' },
  ];

  it('labels records with their step by offset order within each partition, whatever order they were read in', () => {
    const readBack = [record(1, 2, 'd'), record(0, 0, 'a'), record(0, 2, 'tick'), record(1, 0, 'b'), record(0, 1, 'c'), record(1, 1, 'tick'), record(0, 3, 'flush'), record(1, 3, 'flush')];
    const inputs = assignSteps(steps, { input: 2 }, { input: readBack });
    expect(inputs.input?.map((r) => `${r.partition}/${r.offset}:${r.value}@${r.step}`)).toEqual([
      '0/0:a@0',
      '0/1:c@0',
      '0/2:tick@2',
      '0/3:flush@4',
      '1/0:b@0',
      '1/1:tick@2',
      '1/2:d@3',
      '1/3:flush@4',
    ]);
  });

  it('refuses a read-back that does not match what the steps wrote', () => {
    expect(() => assignSteps(steps.slice(0, 1), { input: 2 }, { input: [record(0, 0, 'a')] })).toThrow(/partition 0 holds 1 records but the scenario produced 2/);
  });
});
