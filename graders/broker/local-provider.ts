// The `local` provider: Apache Kafka as a JVM on this machine, from the cached Maven jars, one
// combined broker+controller (KRaft) with its files in <state>/broker. The JVM is detached, so it
// outlives the command that started it; broker.json records its pid and ports for later commands.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { available, type Availability } from './availability.ts';
import { readRecordOf, writeRecord, type BrokerFiles, type RecordOf } from './broker-files.ts';
import { classSharing, settleDraft } from './class-archive.ts';
import { BrokerError } from './errors.ts';
import { findJava, type JavaRuntime } from './java.ts';
import { BROKER_JVM_FLAGS, TOOL_JVM_FLAGS } from './jvm-flags.ts';
import { ensureKafkaJars, jarsAvailability, log4jConfig, type KafkaJars } from './kafka-jars.ts';
import { KAFKA_VERSION } from './kafka-version.ts';
import { withLock } from './lock.ts';
import { choosePorts, DEFAULT_PORTS } from './ports.ts';
import { isOurProcess, stopProcess } from './processes.ts';
import { START_TIMEOUT_MS, withBrokerLock, type BrokerInfo, type KillSignal, type Provider, type ProviderContext, type StartedBroker } from './provider.ts';
import { answersMetadata, logTail, waitForBroker } from './readiness.ts';
import { newClusterId, singleNodeSettings, type NodePorts } from './single-node-settings.ts';

type LocalRecord = RecordOf<'local'>;

/** A graceful stop gets this long before SIGKILL; a single node usually needs 1-3 s. */
const STOP_GRACE_MS = 30_000;

// Our JVM is the process whose command line names this state dir's server.properties.
const isRunning = (files: BrokerFiles, record: LocalRecord) => isOurProcess(record.pid, files.serverProperties);

const localRecord = (files: BrokerFiles) => readRecordOf(files, 'local');

async function requireJava(): Promise<JavaRuntime> {
  const java = await findJava();
  if ('ok' in java) throw new BrokerError(`${java.reason}: ${java.fix}`);
  return java;
}

/** server.properties of the local node with its data in `dataDir`. */
function serverProperties(ports: NodePorts, dataDir: string): string {
  const settings = { ...singleNodeSettings(ports, { advertisedHost: '127.0.0.1', bindHost: '127.0.0.1' }), 'log.dirs': dataDir };
  return Object.entries(settings).map(([key, value]) => `${key}=${value}\n`).join('');
}

async function writeConfig(files: BrokerFiles, ports: NodePorts): Promise<void> {
  await fs.promises.mkdir(files.dir, { recursive: true });
  await fs.promises.writeFile(files.serverProperties, `# Written by streamlab at each start (graders/broker/local-provider.ts).\n${serverProperties(ports, files.data)}`);
  await fs.promises.writeFile(files.log4jConfig, log4jConfig('INFO', 'SYSTEM_OUT'));
}

/** Runs Kafka's StorageTool on a node's properties (it formats their log.dirs). */
async function format(java: JavaRuntime, jars: KafkaJars, propertiesFile: string): Promise<void> {
  const result = await execa(
    java.command,
    [...TOOL_JVM_FLAGS, `-Dlog4j2.configurationFile=${jars.toolsLog4jConfig}`, '-cp', jars.classpath, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propertiesFile],
    { all: true, reject: false },
  );
  if (result.failed) throw new BrokerError(`formatting KRaft storage with ${propertiesFile} failed (${result.shortMessage}):\n${result.all}`);
}

/** Formatted, empty KRaft storage for node 1. Formatting costs a JVM start, which every fresh
 *  broker (and every test that starts one) would pay; with a static quorum the result holds ids
 *  only (cluster, node, directory), no ports or paths, so one copy per release is made and kept
 *  in the cache. Independent single-node clusters sharing a cluster id is harmless. */
async function storageTemplate(java: JavaRuntime, jars: KafkaJars): Promise<string> {
  const template = path.join(jars.cacheDir, 'storage-template');
  if (fs.existsSync(template)) return template;
  return withLock(`${template}.lock`, 'formatting Kafka storage', async () => {
    if (fs.existsSync(template)) return template;
    const partial = `${template}.partial`;
    await fs.promises.rm(partial, { recursive: true, force: true });
    await fs.promises.mkdir(partial, { recursive: true });
    const properties = path.join(partial, 'format.properties');
    await fs.promises.writeFile(properties, serverProperties(DEFAULT_PORTS, path.join(partial, 'data')));
    await format(java, jars, properties);
    await fs.promises.rename(partial, template);
    return template;
  });
}

/** Gives a new broker formatted storage (later starts keep their data); returns its cluster id. */
async function ensureStorage(files: BrokerFiles, java: JavaRuntime, jars: KafkaJars): Promise<string> {
  const meta = path.join(files.data, 'meta.properties');
  if (!fs.existsSync(meta)) {
    await fs.promises.rm(files.data, { recursive: true, force: true });
    await fs.promises.cp(path.join(await storageTemplate(java, jars), 'data'), files.data, { recursive: true });
    // Every copy gets ids of its own, so that readiness checks can tell this broker from another
    // one answering on the same port (empty storage holds them nowhere else).
    const template = await fs.promises.readFile(meta, 'utf8');
    await fs.promises.writeFile(meta, template.replace(/^cluster\.id=.*$/m, `cluster.id=${newClusterId()}`).replace(/^directory\.id=.*$/m, `directory.id=${newClusterId()}`));
  }
  const clusterId = /^cluster\.id=(\S+)$/m.exec(await fs.promises.readFile(meta, 'utf8'))?.[1];
  if (!clusterId) throw new BrokerError(`${meta} names no cluster.id: delete ${files.data} to start again with empty storage`);
  return clusterId;
}

/** Writes the config, starts the JVM detached and waits until it answers. */
async function launch(context: ProviderContext, java: JavaRuntime, jars: KafkaJars, ports: NodePorts): Promise<BrokerInfo> {
  const { files, onProgress, signal } = context;
  await writeConfig(files, ports);
  const clusterId = await ensureStorage(files, java, jars);
  const sharing = classSharing(jars, java);
  const log = await fs.promises.open(files.log, 'w');
  const jvm = spawn(java.command, [...BROKER_JVM_FLAGS, ...sharing.flags, `-Dlog4j2.configurationFile=${files.log4jConfig}`, '-cp', jars.classpath, 'kafka.Kafka', files.serverProperties], {
    cwd: files.dir,
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();
  jvm.unref();
  const pid = jvm.pid;
  if (pid === undefined) throw new BrokerError(`could not start ${java.command}: ${await new Promise((resolve) => jvm.once('error', resolve))}`);
  const brokers = [`127.0.0.1:${ports.broker}`];
  const record: LocalRecord = { provider: 'local', brokers, ports, clusterId, pid, ...(sharing.draft ? { classArchiveDraft: sharing.draft } : {}) };
  await writeRecord(files, record);
  onProgress(`started Kafka ${KAFKA_VERSION} (pid ${pid}) on ${brokers[0]}; waiting until it answers (log: ${files.log})`);
  const abandon = async () => {
    await stopProcess(pid, files.serverProperties, { signal: 'SIGKILL', graceMs: 0 });
    await settleDraft(sharing.draft, false);
  };
  let outcome: Awaited<ReturnType<typeof waitForBroker>>;
  try {
    outcome = await waitForBroker(brokers, { clusterId, alive: () => isRunning(files, record), timeoutMs: START_TIMEOUT_MS, signal });
  } catch (err) {
    await abandon();
    throw err;
  }
  if (outcome !== 'ready') {
    await abandon();
    const what = outcome === 'exited' ? 'exited during startup' : `did not answer within ${START_TIMEOUT_MS / 1000} s and was stopped`;
    throw new BrokerError(`the Kafka broker ${what}. Last lines of ${files.log}:\n${logTail(files.log)}`);
  }
  return { provider: 'local', brokers, running: true, pid, logFile: files.log };
}

export const localProvider: Provider = {
  name: 'local',

  async availability(): Promise<Availability> {
    const java = await findJava();
    if ('ok' in java) return java;
    return jarsAvailability();
  },

  start: (context) =>
    withBrokerLock(context, 'starting or stopping the broker', async (): Promise<StartedBroker> => {
      const { files, onProgress, signal } = context;
      const record = localRecord(files);
      if (record && isRunning(files, record)) {
        // Running already; it may still be starting if another command launched it just now.
        const outcome = await waitForBroker(record.brokers, { clusterId: record.clusterId, alive: () => isRunning(files, record), timeoutMs: START_TIMEOUT_MS, signal });
        if (outcome === 'ready') return { provider: 'local', brokers: record.brokers, running: true, pid: record.pid, logFile: files.log, reused: true };
        if (outcome === 'timed out') {
          throw new BrokerError(`the broker (pid ${record.pid}) is running but does not answer on ${record.brokers.join(',')}; run \`streamlab broker stop\` and start again. Last lines of ${files.log}:\n${logTail(files.log)}`);
        }
      }
      // A broker that ended without us (killed, crashed) may have left part of an archive.
      await settleDraft(record?.classArchiveDraft, false);
      const java = await requireJava();
      const jars = await ensureKafkaJars({ onProgress, signal });
      const ports = await choosePorts({ recorded: record?.ports, onProgress });
      return { ...(await launch(context, java, jars, ports)), reused: false };
    }),

  stop: (context) =>
    withBrokerLock(context, 'starting or stopping the broker', async () => {
      const record = localRecord(context.files);
      if (!record || !isRunning(context.files, record)) return;
      context.onProgress(`stopping the broker (pid ${record.pid})`);
      const exit = await stopProcess(record.pid, context.files.serverProperties, { signal: 'SIGTERM', graceMs: STOP_GRACE_MS });
      await settleDraft(record.classArchiveDraft, exit === 'clean');
    }),

  async status({ files }): Promise<BrokerInfo> {
    const record = localRecord(files);
    if (!record) return { provider: 'local', brokers: [], running: false };
    const alive = isRunning(files, record);
    const running = alive && (await answersMetadata(record.brokers, record.clusterId));
    return { provider: 'local', brokers: record.brokers, running, ...(alive ? { pid: record.pid } : {}), logFile: files.log };
  },

  restart: (context, kill: KillSignal) =>
    withBrokerLock(context, 'restarting the broker', async () => {
      const { files } = context;
      const record = localRecord(files);
      if (!record || !isRunning(files, record)) throw new BrokerError(`no local broker is running in ${files.dir} to restart; start one with \`streamlab broker start\``);
      const exit = await stopProcess(record.pid, files.serverProperties, { signal: kill, graceMs: STOP_GRACE_MS });
      await settleDraft(record.classArchiveDraft, exit === 'clean');
      const ports = await choosePorts({ recorded: record.ports, exact: true });
      return launch(context, await requireJava(), await ensureKafkaJars(context), ports);
    }),
};
