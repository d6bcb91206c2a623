// Provider choice and the errors a learner sees, through the real `streamlab broker` command in
// child processes whose environment (PATH, JAVA_HOME, DOCKER_HOST, KAFKA_BROKERS, jar cache)
// simulates machines without Docker, Java, Maven or a reachable cluster.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerFiles } from '../../graders/broker/broker-files.ts';
import { repoRoot } from '../../graders/paths.ts';
import { processesIn } from './processes.ts';

let scratch: string;
/** No container runtime, on any machine: testcontainers finds no engine behind this socket. */
const NO_DOCKER = 'unix:///nonexistent/docker.sock';
const javaHome = () => path.dirname(path.dirname(fs.realpathSync(which('java'))));

function which(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${command} is not on PATH`);
}

/** A PATH holding only node (to run streamlab) and the named extra programs. */
async function barePath(name: string, programs: Record<string, string> = {}): Promise<string> {
  const bin = path.join(scratch, name);
  await fs.promises.mkdir(bin, { recursive: true });
  await fs.promises.symlink(process.execPath, path.join(bin, 'node'));
  for (const [program, target] of Object.entries(programs)) await fs.promises.symlink(target, path.join(bin, program));
  return bin;
}

/** Runs `streamlab broker …` with exactly `env` (plus HOME) in a fresh state dir. */
async function streamlab(args: string[], env: Record<string, string>) {
  const stateDir = await fs.promises.mkdtemp(path.join(scratch, 'state-'));
  const result = await execa(process.execPath, [path.join(repoRoot, 'graders', 'cli', 'bin.mjs'), ...args], {
    env: { HOME: os.homedir(), STREAMLAB_STATE_DIR: stateDir, DOCKER_HOST: NO_DOCKER, ...env },
    extendEnv: false,
    reject: false,
    timeout: 120_000,
  });
  return { ...result, stateDir };
}

beforeAll(async () => {
  scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'streamlab-providers-'));
});

afterAll(async () => {
  await fs.promises.rm(scratch, { recursive: true, force: true });
});

describe('provider choice', () => {
  it('skips docker when no container runtime answers, and picks local when Java is here', async () => {
    const { exitCode, stdout } = await streamlab(['broker', 'status', '--json'], { PATH: process.env.PATH ?? '' });
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ provider: 'local', brokers: [], running: false });
  });

  it('explains, for an explicit --provider docker, that no container runtime answered', async () => {
    const { exitCode, stderr } = await streamlab(['broker', 'start', '--provider', 'docker'], { PATH: process.env.PATH ?? '' });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('streamlab broker start: no container runtime answered (testcontainers: ');
    expect(stderr).toContain('start Docker (or Podman');
  });

  it('lists what it tried and how to fix each when neither KAFKA_BROKERS, a container runtime nor Java is available', async () => {
    const { exitCode, stderr } = await streamlab(['broker', 'start'], { PATH: await barePath('bare') });
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        [
          'streamlab broker start: no Kafka broker is available\\. Tried, in order:',
          '  - external: KAFKA_BROKERS is not set',
          '    fix: set KAFKA_BROKERS=host:port.*',
          '  - docker: no container runtime answered .*',
          '    fix: start Docker .*',
          '  - local: no Java runtime: `java` on PATH was not found',
          '    fix: install a JDK or JRE 17\\+ .*',
          'Fix one of them, or choose a provider with STREAMLAB_BROKER=external\\|docker\\|local \\(or --provider\\)\\.',
        ].join('\\n'),
      ),
    );
  });

  it('rejects a Java older than 17 by name', async () => {
    const oldJava = path.join(scratch, 'java-11');
    await fs.promises.writeFile(oldJava, '#!/bin/sh\necho "    java.home = /opt/java-11" >&2\necho "    java.specification.version = 11" >&2\n', { mode: 0o755 });
    const { exitCode, stderr } = await streamlab(['broker', 'start', '--provider', 'local'], { PATH: await barePath('old-java', { java: oldJava }) });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('`java` on PATH is Java 11; Apache Kafka 4.3.1 needs Java 17 or newer');
  });

  it('asks for Maven when the Kafka jars are not downloaded and mvn is missing', async () => {
    const emptyCache = await fs.promises.mkdtemp(path.join(scratch, 'cache-'));
    const { exitCode, stderr } = await streamlab(['broker', 'start', '--provider', 'local'], {
      PATH: await barePath('no-maven'),
      JAVA_HOME: javaHome(),
      XDG_CACHE_HOME: emptyCache,
    });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('the Kafka 4.3.1 jars are not downloaded yet and Maven (`mvn`) is not installed: install Maven 3.6+');
  });
});

describe('external provider', () => {
  it('reports an unreachable KAFKA_BROKERS clearly, within seconds', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    closed.close();
    const started = Date.now();
    const { exitCode, stderr } = await streamlab(['broker', 'start'], { PATH: process.env.PATH ?? '', KAFKA_BROKERS: `127.0.0.1:${port}` });
    expect(exitCode).toBe(2);
    expect(stderr).toContain(`cannot reach the Kafka cluster in KAFKA_BROKERS (127.0.0.1:${port}): no answer to a metadata request within 5 s`);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('rejects a KAFKA_BROKERS that is not host:port', async () => {
    const { exitCode, stderr } = await streamlab(['broker', 'status'], { PATH: process.env.PATH ?? '', KAFKA_BROKERS: 'localhost' });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('KAFKA_BROKERS must be comma-separated host:port addresses (e.g. 127.0.0.1:9092,10.0.0.2:9092); "localhost" is not one');
  });

  it('rejects an unknown STREAMLAB_BROKER', async () => {
    const { exitCode, stderr } = await streamlab(['broker', 'status'], { PATH: process.env.PATH ?? '', STREAMLAB_BROKER: 'kubernetes' });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('STREAMLAB_BROKER must be one of external, docker, local; "kubernetes" is not');
  });
});

describe('streamlab broker start (local)', () => {
  it('fails on a pinned port that is taken, naming it, and starts nothing', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      const { exitCode, stderr, stateDir } = await streamlab(['broker', 'start', '--provider', 'local'], { PATH: process.env.PATH ?? '', STREAMLAB_BROKER_PORT: String(port) });
      expect(exitCode).toBe(2);
      expect(stderr).toContain(`port ${port} on 127.0.0.1 is in use by another process (it was chosen with STREAMLAB_BROKER_PORT)`);
      expect(processesIn(brokerFiles(stateDir).dir)).toEqual([]);
    } finally {
      squatter.close();
    }
  });

  it('on Ctrl-C while the JVM starts, stops it and exits 130', async () => {
    const stateDir = await fs.promises.mkdtemp(path.join(scratch, 'state-'));
    const child = execa(process.execPath, [path.join(repoRoot, 'graders', 'cli', 'bin.mjs'), 'broker', 'start', '--provider', 'local'], {
      env: { ...process.env, STREAMLAB_STATE_DIR: stateDir, KAFKA_BROKERS: '', STREAMLAB_BROKER: '' },
      reject: false,
    });
    let stderr = '';
    let interrupted = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!interrupted && stderr.includes('waiting until it answers')) interrupted = child.kill('SIGINT');
    });
    const result = await child;
    expect(stderr).toContain('streamlab broker start: interrupted');
    expect(result.exitCode).toBe(130);
    expect(processesIn(brokerFiles(stateDir).dir)).toEqual([]);
  });
});
