// The real Kafka CLI tools (DESIGN.md §3), run against the current broker: from the cached jars
// for the local and external providers, with `docker exec` inside the container for docker. When
// the user gives no --bootstrap-server (or --bootstrap-controller), the broker's is added, so
// `kafka-topics --list` just works in the lab terminal.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths.ts';
import { brokerFiles, readRecord, readRecordOf, type BrokerFiles, type RecordOf } from './broker-files.ts';
import { IMAGE_BIN_DIR } from './docker-provider.ts';
import { BrokerError } from './errors.ts';
import { externalBrokers } from './external-provider.ts';
import { findJava, javaCommand } from './java.ts';
import { PERF_TOOL_JVM_FLAGS, TOOL_JVM_FLAGS } from './jvm-flags.ts';
import { cachedKafkaJars, ensureKafkaJars, type KafkaJars } from './kafka-jars.ts';
import type { BrokerInfo } from './provider.ts';
import { settledProvider } from './select-provider.ts';

interface ToolSpec {
  /** Main class in the Kafka 4.3.1 jars (kafka-tools, or kafka_2.13 for ConfigCommand). */
  main: string;
  /** False for tools that read files rather than talk to a broker. */
  connects?: false;
  /** Throughput tools run with the full JIT (see jvm-flags.ts). */
  measuresThroughput?: true;
}

/** The wrapped tools, by the name of their script in Kafka's bin/ (without .sh). */
export const KAFKA_TOOLS: Readonly<Record<string, ToolSpec>> = {
  'kafka-topics': { main: 'org.apache.kafka.tools.TopicCommand' },
  'kafka-console-producer': { main: 'org.apache.kafka.tools.ConsoleProducer' },
  'kafka-console-consumer': { main: 'org.apache.kafka.tools.consumer.ConsoleConsumer' },
  'kafka-consumer-groups': { main: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand' },
  'kafka-transactions': { main: 'org.apache.kafka.tools.TransactionsCommand' },
  'kafka-get-offsets': { main: 'org.apache.kafka.tools.GetOffsetShell' },
  'kafka-producer-perf-test': { main: 'org.apache.kafka.tools.ProducerPerformance', measuresThroughput: true },
  'kafka-consumer-perf-test': { main: 'org.apache.kafka.tools.ConsumerPerformance', measuresThroughput: true },
  'kafka-configs': { main: 'kafka.admin.ConfigCommand' },
  'kafka-delete-records': { main: 'org.apache.kafka.tools.DeleteRecordsCommand' },
  'kafka-groups': { main: 'org.apache.kafka.tools.GroupsCommand' },
  'kafka-log-dirs': { main: 'org.apache.kafka.tools.LogDirsCommand' },
  'kafka-metadata-quorum': { main: 'org.apache.kafka.tools.MetadataQuorumCommand' },
  'kafka-broker-api-versions': { main: 'org.apache.kafka.tools.BrokerApiVersionsCommand' },
  'kafka-dump-log': { main: 'org.apache.kafka.tools.DumpLogSegments', connects: false },
};

const BOOTSTRAP_OPTIONS = ['--bootstrap-server', '--bootstrap-controller'];

/** Where the tools run: a local JVM on the jars, or inside the broker's container. */
type ToolTarget =
  | { kind: 'jvm'; brokers: string[]; java: string; jars: KafkaJars }
  | { kind: 'container'; brokers: string[]; containerId: string };

/** A command to run; for a container, `ttyAt` is where `-t` goes when the caller has a terminal. */
interface ToolInvocation {
  command: string;
  args: string[];
  ttyAt?: number;
}

function toolSpec(tool: string): ToolSpec {
  const spec = KAFKA_TOOLS[tool];
  if (!spec) throw new BrokerError(`unknown Kafka tool "${tool}"; streamlab wraps: ${Object.keys(KAFKA_TOOLS).join(', ')}`);
  return spec;
}

function invocation(tool: string, target: ToolTarget): ToolInvocation {
  const spec = toolSpec(tool);
  if (target.kind === 'container') {
    return { command: 'docker', args: ['exec', '-i', target.containerId, `${IMAGE_BIN_DIR}/${tool}.sh`], ttyAt: 2 };
  }
  const flags = spec.measuresThroughput ? PERF_TOOL_JVM_FLAGS : TOOL_JVM_FLAGS;
  return { command: target.java, args: [...flags, `-Dlog4j2.configurationFile=${target.jars.toolsLog4jConfig}`, '-cp', target.jars.classpath, spec.main] };
}

const givesBootstrap = (args: readonly string[]) => args.some((arg) => BOOTSTRAP_OPTIONS.some((option) => arg === option || arg.startsWith(`${option}=`)));

// Inside the container the broker listens on its port on loopback too, whatever host it advertises.
const containerTarget = (record: RecordOf<'docker'>): ToolTarget => ({ kind: 'container', brokers: [`127.0.0.1:${record.ports.broker}`], containerId: record.containerId });

// Java is not probed here (kafkaToolCommand stays synchronous): a missing one is reported when the tool runs.
function jvmTarget(brokers: string[]): ToolTarget {
  const jars = cachedKafkaJars();
  if (!jars) throw new BrokerError('the Kafka CLI tools run from the Kafka jars, which are not downloaded yet: run `streamlab broker start` once');
  return { kind: 'jvm', brokers, java: javaCommand(), jars };
}

/** The broker the tools should talk to now: the same choice the broker commands make. */
function currentTarget(files: BrokerFiles): ToolTarget {
  const provider = settledProvider(undefined, files);
  if (provider === 'external') return jvmTarget(externalBrokers());
  const record = readRecord(files);
  if (!record || record.provider !== provider) {
    throw new BrokerError(`no ${provider ? `${provider} ` : ''}broker has been started in ${files.stateDir}: run \`streamlab broker start\` first`);
  }
  if (record.provider === 'docker') return containerTarget(record);
  return jvmTarget(record.brokers);
}

/** How to run Kafka CLI `tool` with `args` against the current broker (the broker's
 *  --bootstrap-server is added unless `args` name one). `interactive` allocates a terminal in the
 *  container (docker provider) for a caller whose stdin is one. */
export function kafkaToolCommand(tool: string, args: string[], options: { stateDir?: string; interactive?: boolean } = {}): { command: string; args: string[] } {
  const target = currentTarget(brokerFiles(options.stateDir));
  const run = invocation(tool, target);
  const prefix = options.interactive && run.ttyAt !== undefined ? run.args.toSpliced(run.ttyAt, 0, '-t') : run.args;
  const bootstrap = toolSpec(tool).connects === false || givesBootstrap(args) ? [] : ['--bootstrap-server', target.brokers.join(',')];
  return { command: run.command, args: [...prefix, ...bootstrap, ...args] };
}

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** A POSIX sh wrapper: the same command as kafkaToolCommand, with the bootstrap decision and
 *  the terminal check made when it runs. */
function wrapperScript(tool: string, target: ToolTarget): string {
  const run = invocation(tool, target);
  const words = run.args.map(shellQuote);
  if (run.ttyAt !== undefined) words.splice(run.ttyAt, 0, '$tty');
  return [
    '#!/bin/sh',
    `# ${tool} against ${target.brokers.join(',')}. Written by streamlab at each broker start; edits are lost.`,
    ...(toolSpec(tool).connects === false
      ? []
      : [
          'given=no',
          `for arg do case $arg in ${BOOTSTRAP_OPTIONS.flatMap((o) => [o, `${o}=*`]).join('|')}) given=yes ;; esac; done`,
          `[ "$given" = yes ] || set -- --bootstrap-server ${shellQuote(target.brokers.join(','))} "$@"`,
        ]),
    ...(run.ttyAt === undefined ? [] : ['tty=', '[ -t 0 ] && [ -t 1 ] && tty=-t']),
    `exec ${shellQuote(run.command)} ${words.join(' ')} "$@"`,
    '',
  ].join('\n');
}

/** A wrapper that explains why the tools cannot run here (e.g. no Java for an external cluster). */
const failingScript = (tool: string, problem: string) =>
  ['#!/bin/sh', `echo ${shellQuote(`${tool}: ${problem}`)} >&2`, 'exit 127', ''].join('\n');

/** The `streamlab` CLI on the project's Node, acting on the same state dir as the wrappers. */
const streamlabScript = (stateDir: string) =>
  [
    '#!/bin/sh',
    `: "\${STREAMLAB_STATE_DIR:=${stateDir.replaceAll(/["$`\\]/g, '\\$&')}}"`,
    'export STREAMLAB_STATE_DIR',
    `exec ${shellQuote(process.execPath)} ${shellQuote(path.join(repoRoot, 'graders', 'cli', 'bin.mjs'))} "$@"`,
    '',
  ].join('\n');

// Written beside and renamed over the old file: a shell still reading the old script keeps it.
async function writeExecutable(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(temporary, text, { mode: 0o755 });
  await fs.promises.rename(temporary, file);
}

/** Where the tools run for `info`, or why they cannot. */
async function wrapperTarget(info: BrokerInfo, files: BrokerFiles, onProgress?: (message: string) => void): Promise<ToolTarget | string> {
  if (info.provider === 'docker') {
    const record = readRecordOf(files, 'docker');
    return record ? containerTarget(record) : 'no docker broker is recorded here; run `streamlab broker start --provider docker`';
  }
  const java = await findJava();
  if ('ok' in java) return `the Kafka CLI tools need Java: ${java.reason}; ${java.fix}`;
  try {
    return { kind: 'jvm', brokers: info.brokers, java: java.command, jars: await ensureKafkaJars({ onProgress }) };
  } catch (err) {
    if (err instanceof BrokerError) return err.message;
    throw err;
  }
}

/** Writes the Kafka CLI wrappers and `streamlab` into <state>/bin for the broker in `info`, and
 *  returns that folder (for the terminal's PATH). */
export async function writeToolWrappers(info: BrokerInfo, options: { stateDir?: string; onProgress?: (message: string) => void } = {}): Promise<string> {
  const files = brokerFiles(options.stateDir);
  const target = await wrapperTarget(info, files, options.onProgress);
  await fs.promises.mkdir(files.binDir, { recursive: true });
  for (const tool of Object.keys(KAFKA_TOOLS)) {
    await writeExecutable(path.join(files.binDir, tool), typeof target === 'string' ? failingScript(tool, target) : wrapperScript(tool, target));
  }
  await writeExecutable(path.join(files.binDir, 'streamlab'), streamlabScript(files.stateDir));
  return files.binDir;
}
