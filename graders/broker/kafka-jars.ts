// The Apache Kafka jars (broker, CLI tools, log4j2 binding), resolved from Maven Central with Maven
// into a per-user cache outside the repository, shared by every state dir and checkout. A marker
// file is written last, so an interrupted download is detected and done again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../paths.ts';
import { available, unavailable, type Availability } from './availability.ts';
import { BrokerError } from './errors.ts';
import { KAFKA_VERSION } from './kafka-version.ts';
import { withLock } from './lock.ts';

/** The jars of one Kafka release and the logging config its tools run with. */
export interface KafkaJars {
  /** The release's folder in the cache (the jars and things derived from them). */
  cacheDir: string;
  /** For `java -cp`: every jar of the release (the JVM expands the wildcard). */
  classpath: string;
  /** log4j2 config for the CLI tools: warnings and errors only, on stderr (stdout carries data). */
  toolsLog4jConfig: string;
}

const POM = path.join(repoRoot, 'docker', 'kafka-local', 'pom.xml');

function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'streamlab', `kafka-${KAFKA_VERSION}`);
}

function layout(root: string) {
  return {
    root,
    libs: path.join(root, 'libs'),
    toolsLog4jConfig: path.join(root, 'tools-log4j2.yaml'),
    complete: path.join(root, 'complete'),
    lock: path.join(root, 'download.lock'),
  };
}

/** A log4j2 config (YAML) sending `level` and above to stdout or stderr. */
export function log4jConfig(level: 'INFO' | 'WARN', target: 'SYSTEM_OUT' | 'SYSTEM_ERR'): string {
  return [
    'Configuration:',
    '  Appenders:',
    '    Console:',
    '      name: CONSOLE',
    `      target: ${target}`,
    '      PatternLayout:',
    '        Pattern: "[%d] %p %m (%c)%n"',
    '  Loggers:',
    '    Root:',
    `      level: ${level}`,
    '      AppenderRef:',
    '        - ref: CONSOLE',
    '',
  ].join('\n');
}

/** The jars when they are fully downloaded, else undefined. Synchronous for tool commands. */
export function cachedKafkaJars(env: NodeJS.ProcessEnv = process.env): KafkaJars | undefined {
  const files = layout(cacheRoot(env));
  return fs.existsSync(files.complete) ? jarsIn(files) : undefined;
}

const jarsIn = (files: ReturnType<typeof layout>): KafkaJars => ({ cacheDir: files.root, classpath: path.join(files.libs, '*'), toolsLog4jConfig: files.toolsLog4jConfig });

/** Whether the jars are here or Maven can fetch them. */
export async function jarsAvailability(env: NodeJS.ProcessEnv = process.env): Promise<Availability> {
  if (cachedKafkaJars(env)) return available;
  const mvn = await execa('mvn', ['--version'], { env, reject: false, timeout: 60_000 });
  if (!mvn.failed) return available;
  return unavailable(
    `the Kafka ${KAFKA_VERSION} jars are not downloaded yet and Maven (\`mvn\`) ${mvn.exitCode === undefined ? 'is not installed' : `fails: ${mvn.stderr.split('\n')[0] ?? ''}`}`,
    'install Maven 3.6+ (e.g. `apt-get install maven`, `brew install maven`); it downloads the jars once',
  );
}

// Maven's batch-mode transfer log: "[INFO] Downloaded from central: https://…/x.jar (1.2 MB at 3.4 MB/s)".
const DOWNLOADED = /Downloaded from [^:]+: \S+ \(([\d.]+) (B|kB|MB|GB)/;
const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };

/** The jars, downloading them first if needed, with progress reports while Maven works. */
export async function ensureKafkaJars(options: { onProgress?: (message: string) => void; signal?: AbortSignal } = {}): Promise<KafkaJars> {
  const { onProgress, signal } = options;
  const cached = cachedKafkaJars();
  if (cached) return cached;
  const files = layout(cacheRoot());
  return withLock(files.lock, 'downloading the Kafka jars', async () => {
    const done = cachedKafkaJars();
    if (done) return done;
    const availability = await jarsAvailability();
    if (!availability.ok) throw new BrokerError(`${availability.reason}: ${availability.fix}`);
    onProgress?.(`first start: downloading Apache Kafka ${KAFKA_VERSION} (about 65 MB with Maven's own plugins) from Maven Central with Maven into ${files.libs}`);
    await fs.promises.rm(files.libs, { recursive: true, force: true });
    const maven = execa(
      'mvn',
      ['-B', '-Dstyle.color=never', '-f', POM, `-Dkafka.version=${KAFKA_VERSION}`, 'dependency:copy-dependencies', `-DoutputDirectory=${files.libs}`, '-DincludeScope=runtime'],
      { all: true, reject: false, cancelSignal: signal, forceKillAfterDelay: 2000 },
    );
    const transcript: string[] = [];
    let downloads = 0;
    let bytes = 0;
    let lastReport = Date.now();
    for await (const line of maven.iterable({ from: 'all' })) {
      transcript.push(line);
      const match = DOWNLOADED.exec(line);
      if (!match) continue;
      downloads += 1;
      bytes += Number(match[1]) * (UNIT_BYTES[match[2] ?? 'B'] ?? 1);
      if (Date.now() - lastReport >= 2000) {
        lastReport = Date.now();
        onProgress?.(`downloading Kafka jars: ${downloads} files, ${(bytes / 1e6).toFixed(1)} MB so far`);
      }
    }
    const result = await maven;
    signal?.throwIfAborted();
    const jars = fs.existsSync(files.libs) ? (await fs.promises.readdir(files.libs)).filter((f) => f.endsWith('.jar')) : [];
    if (result.failed || !jars.includes(`kafka_2.13-${KAFKA_VERSION}.jar`)) {
      const errors = transcript.filter((l) => l.includes('[ERROR]')).slice(0, 12);
      throw new BrokerError(
        `Maven could not download Apache Kafka ${KAFKA_VERSION} (${result.shortMessage}):\n${(errors.length > 0 ? errors : transcript.slice(-12)).join('\n')}\n` +
          'Check that Maven Central is reachable from here (a proxy or mirror goes in ~/.m2/settings.xml), then start again.',
      );
    }
    await fs.promises.writeFile(files.toolsLog4jConfig, log4jConfig('WARN', 'SYSTEM_ERR'));
    await fs.promises.writeFile(files.complete, `${JSON.stringify({ kafka: KAFKA_VERSION, jars: jars.length })}\n`);
    onProgress?.(`downloaded ${jars.length} jars (${(bytes / 1e6).toFixed(1)} MB from the network)`);
    return jarsIn(files);
  }, { signal });
}
