// The Kafka client module against the real test broker: what graders rely on (explicit
// partitions and timestamps, group commits, transactions with sendOffsets, read_committed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBrokers, uniqueName } from '../../test/broker.ts';
import { connectKafka, type KafkaClient, type KafkaRecord } from './client.ts';

let client: KafkaClient;
const topics: string[] = [];

async function newTopic(prefix: string, partitions: number): Promise<string> {
  const topic = uniqueName(prefix);
  await client.createTopics([{ topic, partitions }]);
  topics.push(topic);
  return topic;
}

const summary = (records: readonly KafkaRecord[]) => records.map(({ partition, key, value, timestamp }) => ({ partition, key, value, timestamp }));

beforeAll(() => {
  client = connectKafka(testBrokers(), { clientId: 'client-test' });
});

afterAll(async () => {
  await client.deleteTopics(topics);
  await client.close();
});

describe('KafkaClient', () => {
  it('creates topics that listTopics shows, with the partitions asked for', async () => {
    const topic = await newTopic('client-create', 3);
    expect(await client.listTopics()).toContain(topic);
    expect((await client.endOffsets(topic)).map((o) => o.partition)).toEqual([0, 1, 2]);
  });

  it('produces idempotently to explicit partitions with explicit timestamps, and reads them back unchanged', async () => {
    const topic = await newTopic('client-produce', 3);
    const sent = [
      { partition: 2, key: 'u-1', value: '{"n":1}', timestamp: 1_700_000_000_000 },
      { partition: 0, key: 'u-2', value: '{"n":2}', timestamp: 1_700_000_060_000 },
      { partition: 2, key: null, value: '{"n":3}', timestamp: 1_600_000_000_123 },
      { partition: 1, key: 'u-3', value: null, timestamp: 1_700_000_000_001 },
    ];
    await client.produce(topic, sent);
    const read = await client.readAll(topic);
    const byPartitionThenOffset = (records: { partition: number }[]) => [...records].sort((a, b) => a.partition - b.partition);
    expect(byPartitionThenOffset(summary(read))).toEqual(byPartitionThenOffset(sent));
    expect(await client.endOffsets(topic)).toEqual([
      { partition: 0, low: '0', end: '1' },
      { partition: 1, low: '0', end: '1' },
      { partition: 2, low: '0', end: '2' },
    ]);
  });

  it('consumes in a group and commits each record, which groupOffsets then shows', async () => {
    const topic = await newTopic('client-group', 2);
    const group = uniqueName('client-group');
    await client.produce(topic, [
      { partition: 0, key: 'a', value: '1', timestamp: 1000 },
      { partition: 0, key: 'b', value: '2', timestamp: 2000 },
      { partition: 1, key: 'c', value: '3', timestamp: 3000 },
    ]);
    const seen: string[] = [];
    const consumer = await client.consumeInGroup(group, topic, (record) => void seen.push(record.value ?? ''));
    try {
      await expect.poll(async () => client.groupOffsets(group, topic), { timeout: 30_000, interval: 200 }).toEqual([
        { partition: 0, offset: '2' },
        { partition: 1, offset: '1' },
      ]);
    } finally {
      await consumer.stop();
    }
    expect(seen.sort()).toEqual(['1', '2', '3']);
    await client.deleteGroups([group]);
  });

  it('runs a transactional read-process-write: committed output and offsets count, aborted output never reaches read_committed', async () => {
    const input = await newTopic('client-tx-in', 1);
    const output = await newTopic('client-tx-out', 1);
    const group = uniqueName('client-tx-group');
    await client.produce(input, [
      { partition: 0, key: 'k1', value: 'a', timestamp: 10 },
      { partition: 0, key: 'k2', value: 'b', timestamp: 20 },
    ]);
    const producer = await client.transactionalProducer(uniqueName('client-tx'));
    try {
      // Process input offset 0 and commit it with the output.
      const committed = await producer.begin();
      await committed.send(output, [{ partition: 0, key: 'k1', value: 'A', timestamp: 10 }]);
      await committed.sendOffsets(group, input, [{ partition: 0, offset: '1' }]);
      await committed.commit();
      // Process input offset 1, then abort: neither the output nor the offset may count.
      const aborted = await producer.begin();
      await aborted.send(output, [{ partition: 0, key: 'k2', value: 'B', timestamp: 20 }]);
      await aborted.sendOffsets(group, input, [{ partition: 0, offset: '2' }]);
      await aborted.abort();
    } finally {
      await producer.close();
    }
    expect(summary(await client.readAll(output))).toEqual([{ partition: 0, key: 'k1', value: 'A', timestamp: 10 }]);
    expect(summary(await client.readAll(output, { readUncommitted: true }))).toEqual([
      { partition: 0, key: 'k1', value: 'A', timestamp: 10 },
      { partition: 0, key: 'k2', value: 'B', timestamp: 20 },
    ]);
    expect(await client.groupOffsets(group, input)).toEqual([{ partition: 0, offset: '1' }]);
    await client.deleteGroups([group]);
  });

  it('fails fast with a connection error when no broker listens', async () => {
    const nowhere = connectKafka(['127.0.0.1:1'], { connectionTimeoutMs: 500, retries: 0 });
    const started = Date.now();
    await expect(nowhere.ping()).rejects.toThrow(/ECONNREFUSED|Connection error/);
    expect(Date.now() - started).toBeLessThan(5000);
    await nowhere.close();
  });
});
