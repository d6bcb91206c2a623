// The only module that imports the Kafka client library (DESIGN.md §2), so the client can be
// swapped by rewriting this file alone. Everything else in streamlab talks to Kafka through it.
import kafkajs from 'kafkajs';
import type { Admin, Consumer, Producer, Transaction as KjsTransaction, logCreator } from 'kafkajs';

const { Kafka, logLevel, CompressionTypes } = kafkajs;

/** A record read back from a topic. Key and value are UTF-8 text (null when absent). */
export interface KafkaRecord {
  topic: string;
  partition: number;
  /** Offset as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: string | null;
  value: string | null;
  /** Record timestamp, epoch ms. */
  timestamp: number;
}

/** A record to produce. Partition and timestamp are explicit when the caller needs determinism. */
export interface OutgoingRecord {
  partition?: number;
  key: string | null;
  value: string | null;
  timestamp?: number;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

export interface ReadOptions {
  /** Read aborted and open-transaction records too (default: read_committed, as the judge reads). */
  readUncommitted?: boolean;
}

/** A live reader of one topic from its beginning, collecting every record it sees. */
export interface Tail {
  /** Records seen so far, in arrival order. */
  readonly records: readonly KafkaRecord[];
  /** Called for each record as it arrives (after it is appended to `records`). */
  onRecord(listener: (record: KafkaRecord) => void): void;
  /** Resolves once every partition has been read up to its current end offset (the last stable
   *  offset under read_committed); rejects after `timeoutMs`. */
  caughtUp(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** One open transaction of a transactional producer. */
export interface OpenTransaction {
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
  /** Commits consumer offsets inside the transaction (read-process-write). */
  sendOffsets(groupId: string, topic: string, offsets: { partition: number; offset: string }[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface TransactionalProducer {
  begin(): Promise<OpenTransaction>;
  close(): Promise<void>;
}

/** A group member consuming with manual commits. */
export interface GroupConsumer {
  stop(): Promise<void>;
}

export interface ClientOptions {
  clientId?: string;
  /** Give up connecting after this long; short by default so an absent broker is reported quickly. */
  connectionTimeoutMs?: number;
  /** Retries for retriable errors (coordinator loading, leader moves). */
  retries?: number;
}

// kafkajs logs retriable protocol errors (coordinator loading, concurrent transactions) at ERROR
// level even when it recovers; failures that matter surface as rejected promises instead.
// STREAMLAB_KAFKA_LOG=debug|info|warn|error shows its log on stderr for troubleshooting.
const levels: Record<string, number> = { error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };
const configuredLevel = levels[(process.env.STREAMLAB_KAFKA_LOG ?? '').toLowerCase()];
const quietLogs: logCreator = () => ({ namespace, level, log }) => {
  if (configuredLevel === undefined) return;
  if (level <= configuredLevel) process.stderr.write(`[kafkajs ${namespace}] ${log.message} ${JSON.stringify(log)}\n`);
};

/** Retries an admin read on errors Kafka marks retriable. kafkajs's offset lookups retry only an
 *  unknown topic and give up on others, such as "not the leader" from a broker whose metadata has
 *  not yet caught up with a topic created a moment ago. */
async function retryRetriable<T>(read: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const toText = (b: Buffer | null | undefined): string | null => (b == null ? null : b.toString('utf8'));

// Event times are synthetic and may lie years ahead (scenarios shifted to 2040 catch wall-clock
// logic); Kafka 4 refuses record timestamps more than an hour ahead of the broker by default.
// They may also lie years behind: time-based retention and segment rolling go by record
// timestamps, so the broker would roll a segment per batch and delete records mid-run.
const anyTimestamp = [
  { name: 'message.timestamp.after.max.ms', value: '9223372036854775807' },
  { name: 'retention.ms', value: '-1' },
  { name: 'segment.ms', value: '9223372036854775807' },
];

/** A connection to a Kafka cluster; create with `connectKafka`, release with `close()`. */
export class KafkaClient {
  readonly brokers: string[];
  private readonly kafka: InstanceType<typeof Kafka>;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private readonly closers = new Set<() => Promise<void>>();

  constructor(brokers: string[], options: ClientOptions = {}) {
    this.brokers = brokers;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'streamlab',
      brokers,
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: 30_000,
      retry: { retries: options.retries ?? 8, initialRetryTime: 100, maxRetryTime: 2000 },
      logCreator: quietLogs,
    });
  }

  private async adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Succeeds when the cluster answers a metadata request; returns the broker count. */
  async ping(): Promise<number> {
    const admin = await this.adminClient();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  }

  /** The id of the cluster that answers (tells one broker on a port from another). */
  async clusterId(): Promise<string> {
    return (await (await this.adminClient()).describeCluster()).clusterId;
  }

  async createTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.adminClient();
    await admin.createTopics({
      topics: specs.map((s) => ({ topic: s.topic, numPartitions: s.partitions, replicationFactor: 1, configEntries: anyTimestamp })),
      waitForLeaders: true,
    });
  }

  async deleteTopics(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.adminClient();
    await admin.deleteTopics({ topics });
  }

  async listTopics(): Promise<string[]> {
    return (await this.adminClient()).listTopics();
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    if (groupIds.length === 0) return;
    await (await this.adminClient()).deleteGroups(groupIds);
  }

  /** Produces with the idempotent producer (acks=all, one request in flight, so order and
   *  exactly-one-copy hold across retries). Resolves when the broker acknowledged every record. */
  async produce(topic: string, records: OutgoingRecord[]): Promise<void> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.send({
      topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: records.map((r) => ({
        key: r.key,
        value: r.value,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
        ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
      })),
    });
  }

  /** Per partition: the first offset and the end offset (the last stable offset, which is where a
   *  read_committed reader stops). */
  async endOffsets(topic: string): Promise<{ partition: number; low: string; end: string }[]> {
    const admin = await this.adminClient();
    const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: o.low, end: o.high })).sort((a, b) => a.partition - b.partition);
  }

  /** The offsets a consumer group has committed for a topic (-1 where none). */
  async groupOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    const admin = await this.adminClient();
    const result = await retryRetriable(() => admin.fetchOffsets({ groupId, topics: [topic] }));
    return (result[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
  }

  /** Starts reading `topic` from the beginning under a throwaway group that is deleted on stop. */
  async tail(topic: string, options: ReadOptions = {}): Promise<Tail> {
    const groupId = `streamlab-reader-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const consumer = this.kafka.consumer({
      groupId,
      readUncommitted: options.readUncommitted ?? false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    const records: KafkaRecord[] = [];
    const listeners: ((r: KafkaRecord) => void)[] = [];
    // Next offset to read per partition, counting filtered control and aborted records, which
    // never reach the message handler but do occupy offsets.
    const position = new Map<number, bigint>();
    const progressWaiters = new Set<() => void>();
    const advance = (partition: number, lastOffset: string) => {
      const next = BigInt(lastOffset) + 1n;
      if (next > (position.get(partition) ?? 0n)) position.set(partition, next);
      for (const wake of progressWaiters) wake();
    };
    // A batch with no record at or after the fetch offset reports a lastOffset guessed from the
    // high watermark (firstOffset is then null): that is not progress, so it is ignored.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.firstOffset != null) advance(e.payload.partition, e.payload.lastOffset);
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const record: KafkaRecord = {
          topic,
          partition,
          offset: message.offset,
          key: toText(message.key),
          value: toText(message.value),
          timestamp: Number(message.timestamp),
        };
        records.push(record);
        advance(partition, message.offset);
        for (const listener of listeners) listener(record);
      },
    });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      this.closers.delete(stop);
      await consumer.disconnect();
      await this.deleteGroups([groupId]).catch(() => undefined);
    };
    this.closers.add(stop);
    return {
      records,
      onRecord: (listener) => listeners.push(listener),
      caughtUp: async (timeoutMs) => {
        const targets = await this.endOffsets(topic);
        const done = () => targets.every((t) => BigInt(t.end) <= BigInt(t.low) || (position.get(t.partition) ?? 0n) >= BigInt(t.end));
        if (done()) return;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            progressWaiters.delete(check);
            const behind = targets
              .filter((t) => (position.get(t.partition) ?? 0n) < BigInt(t.end))
              .map((t) => `partition ${t.partition} at ${position.get(t.partition) ?? 0n} of ${t.end}`);
            reject(new Error(`reading ${topic} did not catch up within ${timeoutMs} ms (${behind.join(', ')})`));
          }, timeoutMs);
          const check = () => {
            if (!done()) return;
            clearTimeout(timer);
            progressWaiters.delete(check);
            resolve();
          };
          progressWaiters.add(check);
        });
      },
      stop,
    };
  }

  /** Reads a whole topic as it stands now (read_committed unless told otherwise). */
  async readAll(topic: string, options: ReadOptions & { timeoutMs?: number } = {}): Promise<KafkaRecord[]> {
    const tail = await this.tail(topic, options);
    try {
      await tail.caughtUp(options.timeoutMs ?? 30_000);
      return [...tail.records];
    } finally {
      await tail.stop();
    }
  }

  /** Joins `groupId` and hands each record to `handle`, committing its offset after the handler
   *  returns (at-least-once). */
  async consumeInGroup(groupId: string, topic: string, handle: (record: KafkaRecord) => Promise<void> | void): Promise<GroupConsumer> {
    const consumer: Consumer = this.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        await handle({ topic, partition, offset: message.offset, key: toText(message.key), value: toText(message.value), timestamp: Number(message.timestamp) });
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
    const stop = async () => {
      this.closers.delete(stop);
      await consumer.disconnect();
    };
    this.closers.add(stop);
    return { stop };
  }

  /** A transactional producer with a stable `transactionalId`. */
  async transactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    const producer = this.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 10_000 });
    await producer.connect();
    const close = async () => {
      this.closers.delete(close);
      await producer.disconnect();
    };
    this.closers.add(close);
    return {
      begin: async () => {
        const tx: KjsTransaction = await producer.transaction();
        return {
          send: async (topic, records) => {
            await tx.send({
              topic,
              messages: records.map((r) => ({
                key: r.key,
                value: r.value,
                ...(r.partition === undefined ? {} : { partition: r.partition }),
                ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
              })),
            });
          },
          sendOffsets: async (groupId, topic, offsets) => {
            await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: offsets }] });
          },
          commit: () => tx.commit(),
          abort: () => tx.abort(),
        };
      },
      close,
    };
  }

  /** Releases every connection this client opened. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.closers].map((c) => c()));
    await Promise.allSettled([this.producer?.disconnect(), this.admin?.disconnect()]);
    this.producer = undefined;
    this.admin = undefined;
  }
}

/** Creates a client for `brokers` (host:port strings). Connections open lazily on first use. */
export function connectKafka(brokers: string[], options?: ClientOptions): KafkaClient {
  return new KafkaClient(brokers, options);
}
