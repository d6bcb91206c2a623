// `npm run bench:grade [-- --runs N --events N --lab SLUG --submission DIR]`
// 1. Median wall time to grade a lab (default: clickstream, all scenarios, its TypeScript
//    solution) on the running broker, over N runs.
// 2. The grader's injection rate (events/s, produced exactly as the scenario runner produces
//    them) beside Kafka's own kafka-producer-perf-test on the same broker in the same run.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { kafkaToolCommand, startBroker } from '../broker/index.ts';
import { gradeSubmission } from '../harness/grade.ts';
import type { ProducedRecord } from '../harness/lab-definition.ts';
import { newRunId } from '../harness/scenario-plan.ts';
import { produceInChunks } from '../harness/scenario-runner.ts';
import { connectKafka } from '../kafka/client.ts';
import type { KafkaClient } from '../kafka/client.ts';
import { labsDir } from '../paths.ts';
import { median, positiveInteger } from './stats.ts';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    events: { type: 'string', default: '100000' },
    lab: { type: 'string', default: 'clickstream' },
    submission: { type: 'string' },
  },
});
const runs = positiveInteger('runs', flags.runs);
const events = positiveInteger('events', flags.events);
const submissionDir = flags.submission ?? path.join(labsDir, flags.lab, 'solution', 'ts');

const PARTITIONS = 3;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;

/** Clickstream-shaped events, spread over the partitions like a scenario spreads them. */
function clickEvents(count: number): ProducedRecord[] {
  const base = 1_700_000_000_000;
  return Array.from({ length: count }, (_, i) => {
    const ts = base + i * 10;
    const user = `u-${i % 997}`;
    return { partition: i % PARTITIONS, timestamp: ts, key: user, value: JSON.stringify({ event_id: `e-${i}`, user_id: user, url: `/page/${i % 53}`, ts }) };
  });
}

// A fresh topic and client per measurement: a kafkajs client fails once a topic it produced to
// is deleted.
async function withTopic<T>(work: (topic: string, client: KafkaClient) => Promise<T>): Promise<T> {
  const client = connectKafka(brokers, { clientId: 'streamlab-bench' });
  const topic = `sl.bench.${newRunId()}.inject`;
  try {
    await client.createTopics([{ topic, partitions: PARTITIONS }]);
    return await work(topic, client);
  } finally {
    await client.deleteTopics([topic]).catch(() => undefined);
    await client.close();
  }
}

async function graderRate(records: ProducedRecord[]): Promise<number> {
  return withTopic(async (topic, client) => {
    const started = performance.now();
    await produceInChunks(client, topic, records);
    return records.length / ((performance.now() - started) / 1000);
  });
}

async function perfTestRate(count: number, recordSize: number): Promise<number> {
  return withTopic(async (topic) => {
    const tool = kafkaToolCommand('kafka-producer-perf-test', [
      '--topic', topic, '--num-records', String(count), '--record-size', String(recordSize), '--throughput', '-1',
      '--command-property', 'acks=all',
    ]);
    const { stdout } = await execa(tool.command, tool.args);
    // The summary line: "100000 records sent, 254452.9 records/sec (22.12 MB/sec), …"
    const summary = [...stdout.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)].at(-1);
    if (!summary) throw new Error(`kafka-producer-perf-test printed no summary:\n${stdout}`);
    return Number(summary[2]);
  });
}

const { brokers, provider } = await startBroker({ onProgress: (m) => process.stderr.write(`${m}\n`) });
console.log(`broker: ${provider} at ${brokers.join(',')}`);

// 1. Grading time.
const totals: number[] = [];
const perScenario = new Map<string, number[]>();
for (let run = 1; run <= runs; run++) {
  const report = await gradeSubmission({ lab: flags.lab, submissionDir, brokers });
  if (report.verdict !== 'pass') {
    const failed = report.error ?? report.scenarios.filter((s) => s.verdict !== 'pass').map((s) => `${s.name}: ${s.verdict}`).join(', ');
    throw new Error(`run ${run}: the grade did not pass (${failed}); fix that before benchmarking`);
  }
  totals.push(report.durationMs);
  for (const s of report.scenarios) perScenario.set(s.name, [...(perScenario.get(s.name) ?? []), s.durationMs]);
  console.log(`grade run ${run}/${runs}: ${secs(report.durationMs)}`);
}
console.log(`\ngrade ${flags.lab} (${path.relative(process.cwd(), submissionDir)}), ${perScenario.size} scenarios: median ${secs(median(totals))} over ${runs} runs`);
for (const [name, times] of perScenario) console.log(`  ${name.padEnd(32)} ${secs(median(times))}`);

// 2. Injection rate, grader vs the Java producer, three rounds each, alternating.
{
  const records = clickEvents(events);
  const recordSize = Math.round(records.reduce((n, r) => n + (r.value?.length ?? 0), 0) / records.length);
  const grader: number[] = [];
  const java: number[] = [];
  for (let round = 0; round < 3; round++) {
    grader.push(await graderRate(records));
    java.push(await perfTestRate(events, recordSize));
  }
  const g = median(grader);
  const j = median(java);
  console.log(`\ninjection: ${events.toLocaleString('en-US')} events of ~${recordSize} B over ${PARTITIONS} partitions, acks=all, median of 3`);
  console.log(`  grader (kafkajs idempotent, as the scenario runner) ${rate(g)}`);
  console.log(`  kafka-producer-perf-test (Java client)             ${rate(j)}`);
  console.log(`  ratio grader / perf-test                            ${(g / j).toFixed(2)}`);
}
