// The local provider's lifecycle on a real JVM, in a state dir of its own (never the run's shared
// test broker): start and reuse, restart after a crash, stop without leftovers, recovery from a
// stale record or a broker killed behind streamlab's back, a taken port, a broker that dies while
// starting. Every start costs a JVM start, so the tests build on each other in order.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerFiles } from '../../graders/broker/broker-files.ts';
import { BrokerError, brokerStatus, restartBroker, startBroker, stopBroker, type BrokerInfo } from '../../graders/broker/index.ts';
import { connectKafka } from '../../graders/kafka/client.ts';
import { uniqueName } from '../broker.ts';
import { alive, processesIn } from './processes.ts';

let stateDir: string;
const topic = uniqueName('lifecycle');
const local = () => ({ provider: 'local' as const, stateDir });
const recordPath = () => brokerFiles(stateDir).record;
const brokerProcesses = () => processesIn(brokerFiles(stateDir).dir);

/** Produces one record and reads the topic back, proving the broker works and keeps data. */
async function appendAndRead(info: BrokerInfo, value: string): Promise<string[]> {
  const client = connectKafka(info.brokers);
  try {
    if (!(await client.listTopics()).includes(topic)) await client.createTopics([{ topic, partitions: 1 }]);
    await client.produce(topic, [{ partition: 0, key: 'k', value, timestamp: Date.now() }]);
    return (await client.readAll(topic)).map((r) => r.value ?? '');
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'streamlab-broker-local-'));
});

afterAll(async () => {
  await stopBroker(local());
  await fs.promises.rm(stateDir, { recursive: true, force: true });
});

describe('local broker provider', () => {
  it('starts one broker when two starts race, and the second reuses it', async () => {
    const progress: string[] = [];
    const onProgress = (message: string) => progress.push(message);
    const [a, b] = await Promise.all([startBroker({ ...local(), onProgress }), startBroker({ ...local(), onProgress })]);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(a.pid).toBe(b.pid);
    expect(a.brokers).toEqual(b.brokers);
    expect(brokerProcesses()).toEqual([a.pid]);
    expect(progress.some((m) => m.includes('waiting until it answers'))).toBe(true);
    expect(await brokerStatus(local())).toEqual({ provider: 'local', brokers: a.brokers, running: true, pid: a.pid, logFile: a.logFile });
    expect(await appendAndRead(a, 'one')).toEqual(['one']);
    const again = await startBroker(local());
    expect(again).toMatchObject({ reused: true, pid: a.pid });
  });

  it('takes KAFKA_BROKERS naming this broker (as in the lab terminal) for this broker, and any other address for an external one', async () => {
    const { brokers } = await brokerStatus(local());
    const previous = process.env.KAFKA_BROKERS;
    try {
      process.env.KAFKA_BROKERS = brokers.join(',');
      expect(await brokerStatus({ stateDir })).toMatchObject({ provider: 'local', running: true });
      process.env.KAFKA_BROKERS = '127.0.0.1:1';
      expect(await brokerStatus({ stateDir })).toEqual({ provider: 'external', brokers: ['127.0.0.1:1'], running: false });
    } finally {
      if (previous === undefined) delete process.env.KAFKA_BROKERS;
      else process.env.KAFKA_BROKERS = previous;
    }
  });

  it('restarts after a SIGKILL on the same address, with the data kept', async () => {
    const before = await brokerStatus(local());
    const after = await restartBroker({ ...local(), kill: 'SIGKILL' });
    expect(after.pid).not.toBe(before.pid);
    expect(alive(before.pid ?? 0)).toBe(false);
    expect(after.brokers).toEqual(before.brokers);
    expect(await appendAndRead(after, 'two')).toEqual(['one', 'two']);
  });

  it('restarts after a clean SIGTERM shutdown on the same address, with the data kept', async () => {
    const before = await brokerStatus(local());
    const after = await restartBroker({ ...local(), kill: 'SIGTERM' });
    expect(after.pid).not.toBe(before.pid);
    expect(after.brokers).toEqual(before.brokers);
    expect(await appendAndRead(after, 'three')).toEqual(['one', 'two', 'three']);
  });

  it('stops with SIGTERM and leaves no process behind; a second stop does nothing', async () => {
    const { pid } = await brokerStatus(local());
    await stopBroker(local());
    expect(alive(pid ?? 0)).toBe(false);
    expect(brokerProcesses()).toEqual([]);
    expect(await brokerStatus(local())).toMatchObject({ provider: 'local', running: false });
    await stopBroker(local());
    await expect(restartBroker(local())).rejects.toThrow(/no local broker is running/);
  });

  it('treats a recorded pid that is not its broker as stale, and starts a new broker', async () => {
    // A live process that is not our JVM: the pid in broker.json may have been reused.
    const record = JSON.parse(await fs.promises.readFile(recordPath(), 'utf8'));
    await fs.promises.writeFile(recordPath(), JSON.stringify({ ...record, pid: process.pid }));
    expect(await brokerStatus(local())).toMatchObject({ running: false });
    const info = await startBroker(local());
    expect(info.reused).toBe(false);
    expect(info.pid).not.toBe(process.pid);
    expect(await appendAndRead(info, 'four')).toEqual(['one', 'two', 'three', 'four']);
  });

  it('notices a broker killed behind its back and starts it again on the same port', async () => {
    const before = await brokerStatus(local());
    process.kill(before.pid ?? 0, 'SIGKILL');
    await expect.poll(() => brokerProcesses(), { timeout: 10_000 }).toEqual([]);
    expect(await brokerStatus(local())).toMatchObject({ running: false, brokers: before.brokers });
    const info = await startBroker(local());
    expect(info).toMatchObject({ reused: false, brokers: before.brokers });
    expect(await appendAndRead(info, 'five')).toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  it('moves to a free port when its port is taken, and says so', async () => {
    const before = await brokerStatus(local());
    await stopBroker(local());
    const port = Number(before.brokers[0]?.split(':')[1]);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen({ port, host: '127.0.0.1' }, resolve));
    try {
      const progress: string[] = [];
      const info = await startBroker({ ...local(), onProgress: (m) => progress.push(m) });
      expect(info.brokers).not.toEqual(before.brokers);
      expect(progress).toContain(`port ${port} is in use; the broker listens on ${info.brokers[0]?.split(':')[1]} instead`);
      expect(await appendAndRead(info, 'six')).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    } finally {
      squatter.close();
    }
  });

  it('fails with the log tail when the JVM exits during startup, and leaves nothing running', async () => {
    await stopBroker(local());
    // Storage that belongs to another node: Kafka refuses to start on it.
    const meta = path.join(brokerFiles(stateDir).data, 'meta.properties');
    const original = await fs.promises.readFile(meta, 'utf8');
    await fs.promises.writeFile(meta, original.replace(/^node\.id=1$/m, 'node.id=7'));
    try {
      const failure = await startBroker(local()).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(BrokerError);
      expect((failure as Error).message).toMatch(/the Kafka broker exited during startup\. Last lines of .*broker\.log:\n/);
      expect((failure as Error).message).toContain("Stored node id 7 doesn't match previous node id 1");
      expect(brokerProcesses()).toEqual([]);
    } finally {
      await fs.promises.writeFile(meta, original);
    }
  });
});
