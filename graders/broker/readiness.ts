// "Ready" means a metadata request succeeds (DESIGN.md §3): an open port alone is not enough,
// since a KRaft broker listens before it has caught up with the metadata log.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectKafka } from '../kafka/client.ts';

/** Whether the cluster at `brokers` answers a metadata request now, and when `clusterId` is
 *  given, whether it is that cluster: another broker may have taken the port of one that died. */
export async function answersMetadata(brokers: string[], clusterId?: string): Promise<boolean> {
  const client = connectKafka(brokers, { clientId: 'streamlab-probe', connectionTimeoutMs: 1000, retries: 0 });
  try {
    const answering = await client.clusterId();
    return clusterId === undefined || answering === clusterId;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

/** Polls until the broker (cluster `clusterId`, when given) answers, its process is gone (`alive`
 *  turns false) or time runs out. */
export async function waitForBroker(
  brokers: string[],
  options: { clusterId?: string; alive: () => boolean | Promise<boolean>; timeoutMs: number; signal?: AbortSignal },
): Promise<'ready' | 'exited' | 'timed out'> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await answersMetadata(brokers, options.clusterId)) return 'ready';
    if (!(await options.alive())) return 'exited';
    if (Date.now() >= deadline) return 'timed out';
    await sleep(150);
  }
}

/** The last `lines` lines of a log file (for error messages), or a note that there is none. */
export function logTail(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}
