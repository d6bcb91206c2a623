// The real Kafka CLI tools through the .streamlab/bin wrappers and `streamlab kafka`, against the
// test run's broker: a learner types `kafka-topics --list` with no --bootstrap-server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaToolCommand, writeToolWrappers } from '../../graders/broker/index.ts';
import { connectKafka } from '../../graders/kafka/client.ts';
import { repoRoot } from '../../graders/paths.ts';
import { testBrokers, uniqueName } from '../broker.ts';

let stateDir: string;
let binDir: string;
const topic = uniqueName('tools');
const tool = (name: string, args: string[], input?: string) =>
  execa(path.join(binDir, name), args, { reject: false, ...(input === undefined ? {} : { input }) });

beforeAll(async () => {
  stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'streamlab-tools-'));
  binDir = await writeToolWrappers({ provider: 'external', brokers: testBrokers(), running: true }, { stateDir });
});

afterAll(async () => {
  const client = connectKafka(testBrokers());
  await client.deleteTopics([topic]).catch(() => undefined);
  await client.close();
  await fs.promises.rm(stateDir, { recursive: true, force: true });
});

describe('Kafka CLI wrappers', () => {
  it('are written for the wrapped tools and streamlab, executable, into <state>/bin', async () => {
    expect(binDir).toBe(path.join(stateDir, 'bin'));
    for (const name of ['kafka-topics', 'kafka-console-producer', 'kafka-console-consumer', 'kafka-consumer-groups', 'kafka-transactions', 'kafka-get-offsets', 'kafka-producer-perf-test', 'kafka-consumer-perf-test', 'streamlab']) {
      await fs.promises.access(path.join(binDir, name), fs.constants.X_OK);
    }
  });

  it('round-trip a record: kafka-topics creates, the console producer writes, the console consumer reads it back', async () => {
    const created = await tool('kafka-topics', ['--create', '--topic', topic, '--partitions', '1']);
    expect(created.stderr).toBe('');
    expect(created.exitCode).toBe(0);
    expect((await tool('kafka-topics', ['--list'])).stdout.split('\n')).toContain(topic);

    const produced = await tool('kafka-console-producer', ['--topic', topic, '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=:'], 'k1:hello\nk2:world\n');
    expect(produced.exitCode).toBe(0);

    const consumed = await tool('kafka-console-consumer', ['--topic', topic, '--from-beginning', '--max-messages', '2', '--formatter-property', 'print.key=true']);
    expect(consumed.exitCode).toBe(0);
    expect(consumed.stdout).toBe('k1\thello\nk2\tworld');
    expect(consumed.stderr).toContain('Processed a total of 2 messages');
  });

  it('use the --bootstrap-server the user gives instead of adding one', async () => {
    // TopicCommand rejects a repeated --bootstrap-server, so success means nothing was added.
    const described = await tool('kafka-topics', [`--bootstrap-server=${testBrokers().join(',')}`, '--describe', '--topic', topic]);
    expect(described.exitCode).toBe(0);
    expect(described.stdout).toContain(`Topic: ${topic}`);
  });

  it('run `streamlab` on the project Node against the same state dir', async () => {
    const { stdout, exitCode } = await execa(path.join(binDir, 'streamlab'), ['kafka', 'kafka-get-offsets', '--topic', topic], {
      env: { KAFKA_BROKERS: testBrokers().join(','), STREAMLAB_STATE_DIR: '' },
      reject: false,
    });
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`${topic}:0:2`);
  });
});

describe('streamlab kafka', () => {
  const streamlab = (args: string[]) =>
    execa(process.execPath, [path.join(repoRoot, 'graders', 'cli', 'bin.mjs'), 'kafka', ...args], { env: { KAFKA_BROKERS: testBrokers().join(',') }, reject: false });

  it("passes the tool's options through unchanged and exits with the tool's code", async () => {
    const missing = await streamlab(['kafka-topics', '--describe', '--topic', uniqueName('missing')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain('Topic');
    // --help reaches the tool, not streamlab; Kafka's tools print their usage on stderr and exit 1.
    const help = await streamlab(['kafka-console-consumer', '--help']);
    expect(help.stderr).toContain('--from-beginning');
    expect(help.exitCode).toBe(1);
  });

  it('names the wrapped tools for an unknown one, exit 2', async () => {
    const { exitCode, stderr } = await streamlab(['kafka-nonsense']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('streamlab kafka: unknown Kafka tool "kafka-nonsense"; streamlab wraps: kafka-topics, kafka-console-producer');
  });

  it('builds the command with the broker added only where the tool talks to one', () => {
    const brokers = testBrokers().join(',');
    const topics = kafkaToolCommand('kafka-topics', ['--list']);
    expect(topics.args.slice(-4)).toEqual(['org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--list']);
    expect(kafkaToolCommand('kafka-topics', ['--bootstrap-server', 'elsewhere:9092', '--list']).args.slice(-3)).toEqual(['--bootstrap-server', 'elsewhere:9092', '--list']);
    expect(kafkaToolCommand('kafka-dump-log', ['--files', 'x.log']).args.slice(-3)).toEqual(['org.apache.kafka.tools.DumpLogSegments', '--files', 'x.log']);
  });
});
