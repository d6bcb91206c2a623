// The pure parts of running a scenario: run-unique names, the submission's environment, control
// records, produce batching, and joining the input read back from Kafka to the steps that wrote it.
import { CONTROL_KEY } from './lab-definition.ts';
import type { InputRecord, LabDefinition, ProducedRecord, Step } from './lab-definition.ts';
import type { KafkaRecord } from '../kafka/client.ts';

/** A scenario's step list or topic layout is inconsistent: a bug in the lab's grader.ts. */
export class ScenarioDefinitionError extends Error {
  override name = 'ScenarioDefinitionError';
}

export interface RunNames {
  /** Real topic name per logical name. */
  topics: Record<string, string>;
  groupId: string;
  transactionalId: string;
}

/** Names unique to one scenario of one grading run: `sl.<runId>.<scenario>.<logical>`. */
export function runNames(runId: string, scenario: string, topicNames: string[]): RunNames {
  const prefix = `sl.${runId}.${scenario}`;
  return {
    topics: Object.fromEntries(topicNames.map((logical) => [logical, `${prefix}.${logical}`])),
    groupId: `${prefix}.group`,
    transactionalId: `${prefix}.txn`,
  };
}

/** A fresh run id: time-ordered, short, and safe inside topic names. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface EnvInput {
  lab: Pick<LabDefinition, 'topics' | 'transactional'>;
  names: RunNames;
  brokers: string[];
  runId: string;
  /** 1 for the first instance; later instances get their own transactional id. */
  instance: number;
  pathPrepend: string[];
  base: NodeJS.ProcessEnv;
}

/** The submission's environment (DESIGN.md §5) on top of the grader's own. */
export function submissionEnv(input: EnvInput): NodeJS.ProcessEnv {
  const { lab, names } = input;
  const env: NodeJS.ProcessEnv = { ...input.base };
  for (const [logical, topic] of Object.entries(lab.topics)) {
    const name = names.topics[logical];
    if (name === undefined) throw new ScenarioDefinitionError(`no run name for topic '${logical}'`);
    env[topic.env] = name;
  }
  env.KAFKA_BROKERS = input.brokers.join(',');
  env.GROUP_ID = names.groupId;
  if (lab.transactional) env.TRANSACTIONAL_ID = input.instance === 1 ? names.transactionalId : `${names.transactionalId}.${input.instance}`;
  else delete env.TRANSACTIONAL_ID;
  env.STREAMLAB_RUN_ID = input.runId;
  env.PYTHONUNBUFFERED = '1'; // so the stdout tail in feedback is current
  env.PATH = [...input.pathPrepend, input.base.PATH ?? ''].filter((p) => p !== '').join(':');
  return env;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The end-of-input flush time: ten days past the largest event time the steps before it carry,
 *  beyond any window plus grace a lab uses. */
export function flushTimestamp(stepsBefore: Step[]): number {
  let max = 0;
  for (const step of stepsBefore) {
    if (step.kind === 'tick') max = Math.max(max, step.ts);
    if (step.kind === 'produce') for (const r of step.records) max = Math.max(max, r.timestamp);
  }
  return max + 10 * DAY_MS;
}

/** One control record per partition, timestamped with the time it carries. */
export function controlRecords(type: 'tick' | 'flush', ts: number, partitions: number): ProducedRecord[] {
  const value = JSON.stringify({ type, ts });
  return Array.from({ length: partitions }, (_, partition) => ({ partition, timestamp: ts, key: CONTROL_KEY, value }));
}

/** Splits records into produce requests below `maxBytes` (the broker refuses batches over
 *  ~1 MB), keeping their order. */
export function chunkRecords<T extends { key: string | null; value: string | null }>(records: T[], maxBytes = 512 * 1024): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = (record.key?.length ?? 0) + (record.value?.length ?? 0) + 70; // record overhead, roughly
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The records each step writes, per grader-written topic (control records included). */
export function recordsOfStep(step: Step, stepsBefore: Step[], inputTopics: Record<string, number>): Record<string, ProducedRecord[]> {
  switch (step.kind) {
    case 'produce': {
      const topic = step.topic ?? 'input';
      const partitions = inputTopics[topic];
      if (partitions === undefined) {
        throw new ScenarioDefinitionError(`a produce step writes to '${topic}', which is not an input topic of the lab (${Object.keys(inputTopics).join(', ')})`);
      }
      const bad = step.records.find((r) => !Number.isInteger(r.partition) || r.partition < 0 || r.partition >= partitions);
      if (bad) throw new ScenarioDefinitionError(`a produce step writes to partition ${bad.partition} of '${topic}', which has ${partitions}`);
      return { [topic]: step.records };
    }
    case 'tick':
    case 'flush': {
      const ts = step.kind === 'tick' ? step.ts : flushTimestamp(stepsBefore);
      return Object.fromEntries(Object.entries(inputTopics).map(([topic, partitions]) => [topic, controlRecords(step.kind, ts, partitions)]));
    }
    default:
      return {};
  }
}

/** True for the steps that write input (they advance `producedThroughStep`). */
export const producesInput = (step: Step): boolean => step.kind === 'produce' || step.kind === 'tick' || step.kind === 'flush';

/** Labels each input record with the step that produced it. The grader is the only writer and
 *  produces step by step, so within a partition the records appear in step order. */
export function assignSteps(steps: Step[], inputTopics: Record<string, number>, readBack: Record<string, readonly KafkaRecord[]>): Record<string, InputRecord[]> {
  const result: Record<string, InputRecord[]> = {};
  for (const [topic, partitions] of Object.entries(inputTopics)) {
    // Per partition, the producing step of each record in offset order.
    const owners: number[][] = Array.from({ length: partitions }, () => []);
    steps.forEach((step, index) => {
      for (const r of recordsOfStep(step, steps.slice(0, index), inputTopics)[topic] ?? []) owners[r.partition]?.push(index);
    });
    const byPartition: KafkaRecord[][] = Array.from({ length: partitions }, () => []);
    for (const record of readBack[topic] ?? []) byPartition[record.partition]?.push(record);
    result[topic] = [];
    byPartition.forEach((records, partition) => {
      const expected = owners[partition] ?? [];
      if (records.length !== expected.length) {
        throw new Error(`input topic '${topic}' partition ${partition} holds ${records.length} records but the scenario produced ${expected.length}`);
      }
      records.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
      records.forEach((record, i) => result[topic]?.push({ ...record, step: expected[i] ?? -1 }));
    });
  }
  return result;
}
