// The dashboard feed: tails a workspace's output topic (read_committed, from the beginning) and
// pushes window rows to every page watching it. One tail per topic, shared by its watchers, stopped
// when the last one leaves. Records that are not window counts are counted, not shown.
import type { WebSocket } from 'ws';
import type { KafkaClient, KafkaRecord, Tail } from '../../graders/kafka/client.ts';
import type { DashboardMessage, WindowCount } from '../shared/protocol.ts';

interface Feed {
  watchers: Set<WebSocket>;
  tail: Promise<Tail>;
}

/** A record of the clickstream output format (DESIGN.md §7), or null. */
export function windowCount(record: KafkaRecord): WindowCount | null {
  if (record.value === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(record.value);
  } catch {
    return null;
  }
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || typeof v.url !== 'string') return null;
  const numbers = [v.window_start, v.window_end, v.count];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  return { url: v.url, windowStart: v.window_start as number, windowEnd: v.window_end as number, count: v.count as number };
}

// Only called when a record is skipped, which a working pipeline's output never causes.
const skippedCount = (tail: Tail) => tail.records.filter((r) => windowCount(r) === null).length;

const send = (socket: WebSocket, message: DashboardMessage) => {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
};

export class DashboardFeeds {
  private readonly kafka: KafkaClient;
  private readonly feeds = new Map<string, Feed>();

  constructor(kafka: KafkaClient) {
    this.kafka = kafka;
  }

  async watch(socket: WebSocket, topic: string): Promise<void> {
    send(socket, { type: 'topic', topic });
    let feed = this.feeds.get(topic);
    if (!feed) {
      const created: Feed = { watchers: new Set(), tail: this.kafka.tail(topic) };
      feed = created;
      this.feeds.set(topic, created);
      created.tail
        .then((tail) =>
          tail.onRecord((record) => {
            const row = windowCount(record);
            const message: DashboardMessage = row ? { type: 'rows', rows: [row] } : { type: 'skipped', count: skippedCount(tail) };
            for (const w of created.watchers) send(w, message);
          }),
        )
        .catch((err: unknown) => {
          this.feeds.delete(topic);
          for (const w of created.watchers) {
            send(w, { type: 'error', message: `cannot read ${topic}: ${(err as Error).message}` });
            w.close(1011, 'cannot read the output topic');
          }
        });
    }
    const current = feed;
    current.watchers.add(socket);
    socket.on('close', () => void this.leave(topic, current, socket));
    // Everything seen so far, then live rows as they arrive (onRecord above).
    const tail = await current.tail;
    const rows = tail.records.map(windowCount).filter((r): r is WindowCount => r !== null);
    if (rows.length > 0) send(socket, { type: 'rows', rows });
    if (rows.length < tail.records.length) send(socket, { type: 'skipped', count: tail.records.length - rows.length });
  }

  private async leave(topic: string, feed: Feed, socket: WebSocket): Promise<void> {
    feed.watchers.delete(socket);
    if (feed.watchers.size > 0 || this.feeds.get(topic) !== feed) return;
    this.feeds.delete(topic);
    await (await feed.tail.catch(() => null))?.stop();
  }

  async closeAll(): Promise<number> {
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    for (const feed of feeds) for (const w of feed.watchers) w.close(1001, 'server stopping');
    await Promise.all(feeds.map(async (f) => (await f.tail.catch(() => null))?.stop()));
    return feeds.length;
  }
}
