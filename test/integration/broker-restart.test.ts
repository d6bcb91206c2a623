// Restarting the test run's broker (what a grader's "restart the broker" step does): it comes back
// on the same address with its data, and a client connected before the crash carries on after it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectKafka, type KafkaClient } from '../../graders/kafka/client.ts';
import { restartTestBroker, testBrokers, uniqueName } from '../broker.ts';

let client: KafkaClient;
const topic = uniqueName('restart');

beforeAll(async () => {
  client = connectKafka(testBrokers());
  await client.createTopics([{ topic, partitions: 1 }]);
});

afterAll(async () => {
  await client.deleteTopics([topic]);
  await client.close();
});

describe('restarting the test broker', () => {
  it('keeps its data, and a client connected before the crash works after it', async () => {
    if (inject('brokerControl') === null) {
      // KAFKA_BROKERS named the run's broker: not ours to restart, and the helper says so.
      await expect(restartTestBroker()).rejects.toThrow('the test broker is external (KAFKA_BROKERS)');
      return;
    }
    await client.produce(topic, [{ partition: 0, key: 'k', value: 'before', timestamp: 1 }]);
    await restartTestBroker('SIGKILL');
    await client.produce(topic, [{ partition: 0, key: 'k', value: 'after', timestamp: 2 }]);
    expect((await client.readAll(topic)).map((r) => r.value)).toEqual(['before', 'after']);
  });
});
