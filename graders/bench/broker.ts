// `npm run bench:broker [-- --runs N]`: how long the local broker takes from startBroker() to the
// first acknowledged produce, on fresh storage (a new learner; the jars are cached), on existing
// storage (every later start; also without the class archive, to show what it saves) and after a
// crash (restartBroker with SIGKILL, as grading scenarios do), and the broker JVM's peak resident
// memory (VmHWM). In a state dir of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brokerFiles } from '../broker/broker-files.ts';
import { restartBroker, startBroker, stopBroker, KAFKA_VERSION, type BrokerInfo } from '../broker/index.ts';
import { connectKafka } from '../kafka/client.ts';
import { median } from './stats.ts';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag === -1 ? 5 : Number(process.argv[runsFlag + 1]);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');

// Any free port: 9092 stays the learner's.
process.env.STREAMLAB_BROKER_PORT ??= '0';
const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'streamlab-bench-broker-'));
const local = { provider: 'local' as const, stateDir };
const topic = 'bench';

async function cleanUp(): Promise<void> {
  await stopBroker(local);
  await fs.promises.rm(stateDir, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

/** Milliseconds from `begin` until the broker it returns acknowledged a first record. */
async function untilFirstAck(begin: () => Promise<BrokerInfo>): Promise<{ ms: number; pid: number }> {
  const started = performance.now();
  const info = await begin();
  const client = connectKafka(info.brokers, { clientId: 'bench-broker' });
  try {
    if (!(await client.listTopics()).includes(topic)) await client.createTopics([{ topic, partitions: 1 }]);
    await client.produce(topic, [{ partition: 0, key: 'k', value: 'v', timestamp: Date.now() }]);
  } finally {
    await client.close();
  }
  return { ms: performance.now() - started, pid: info.pid ?? 0 };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Peak resident set of a process, MB (Linux /proc). */
function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

const fresh: number[] = [];
const existing: number[] = [];
const withoutArchive: number[] = [];
const afterCrash: number[] = [];
const rss: number[] = [];

try {
  // Warm-up, not measured: downloads the jars and makes the formatted-storage template if this
  // machine has neither yet (one-time costs, reported by startBroker's progress lines).
  await startBroker({ ...local, onProgress: (m) => process.stderr.write(`warm-up: ${m}\n`) });
  await stopBroker(local);
  for (let run = 1; run <= runs; run += 1) {
    await fs.promises.rm(brokerFiles(stateDir).data, { recursive: true, force: true });
    fresh.push((await untilFirstAck(() => startBroker(local))).ms);
    await stopBroker(local);
    process.env.STREAMLAB_BROKER_CLASS_ARCHIVE = 'off';
    withoutArchive.push((await untilFirstAck(() => startBroker(local))).ms);
    delete process.env.STREAMLAB_BROKER_CLASS_ARCHIVE;
    await stopBroker(local);
    existing.push((await untilFirstAck(() => startBroker(local))).ms);
    const restarted = await untilFirstAck(() => restartBroker({ ...local, kill: 'SIGKILL' }));
    afterCrash.push(restarted.ms);
    rss.push(peakRssMb(restarted.pid));
    await stopBroker(local);
    process.stderr.write(`run ${run}/${runs}: fresh ${seconds(fresh.at(-1)!)}, existing ${seconds(existing.at(-1)!)} (without class archive ${seconds(withoutArchive.at(-1)!)}), after crash ${seconds(restarted.ms)}\n`);
  }
} finally {
  await cleanUp();
}

const row = (label: string, values: number[], format: (v: number) => string, target: string) =>
  `${label.padEnd(40)}${format(median(values)).padStart(10)}${format(Math.min(...values)).padStart(10)}${format(Math.max(...values)).padStart(10)}   ${target}`;
const megabytes = (mb: number) => `${mb.toFixed(0)} MB`;

console.log(`\nlocal broker, Kafka ${KAFKA_VERSION}, ${runs} runs, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${''.padEnd(40)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}   target`);
console.log(row('start → first ack, fresh storage', fresh, seconds, '≤ 5 s'));
console.log(row('start → first ack, existing storage', existing, seconds, '≤ 5 s'));
console.log(row('  the same without the class archive', withoutArchive, seconds, ''));
console.log(row('restartBroker(SIGKILL) → first ack', afterCrash, seconds, ''));
console.log(row('broker JVM peak RSS (VmHWM)', rss, megabytes, '≤ 700 MB'));
