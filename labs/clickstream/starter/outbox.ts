// Collects records to produce and sends them in requests of bounded size. kafkajs puts all records
// of one partition in one request into a single record batch, and the broker refuses a batch over
// max.message.bytes (1 MB by default), so one big sendBatch can fail where several small ones work.
import type { Message, Producer, TopicMessages } from 'kafkajs';

const MAX_REQUEST_BYTES = 256 * 1024;

const sizeOf = (data: Message['key'] | Message['value']): number =>
  data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

export class Outbox {
  private readonly producer: Producer;
  private readonly pending = new Map<string, Message[]>();
  private pendingBytes = 0;

  constructor(producer: Producer) {
    this.producer = producer;
  }

  async add(topic: string, message: Message): Promise<void> {
    const messages = this.pending.get(topic) ?? [];
    messages.push(message);
    this.pending.set(topic, messages);
    this.pendingBytes += sizeOf(message.key) + sizeOf(message.value);
    if (this.pendingBytes >= MAX_REQUEST_BYTES) await this.flush();
  }

  /** Sends everything collected and resolves once the broker acknowledged it (acks=all). */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const topicMessages: TopicMessages[] = [...this.pending].map(([topic, messages]) => ({ topic, messages }));
    this.pending.clear();
    this.pendingBytes = 0;
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }
}
