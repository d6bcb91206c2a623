// Loopback ports for the broker. Policy: keep the ports a broker had before (clients and tool
// wrappers stay valid), else the conventional 9092/9093; a busy port falls back to a free one and
// says so. A port pinned with STREAMLAB_BROKER_PORT, or the recorded one on a restart (clients
// must find the broker where it was), is never replaced: busy means a specific error.
// STREAMLAB_BROKER_PORT=0 skips 9092/9093 (test runs and benches leave those to the learner).
import fs from 'node:fs';
import net from 'node:net';
import { BrokerError } from './errors.ts';
import type { NodePorts } from './single-node-settings.ts';
import { waitUntil } from './wait-until.ts';

export const DEFAULT_PORTS: NodePorts = { broker: 9092, controller: 9093 };

const RELEASE_WAIT_MS = 10_000;

function listenOnce(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function isPortFree(port: number): Promise<boolean> {
  try {
    await close(await listenOnce(port));
    return true;
  } catch {
    return false;
  }
}

/** Where the OS picks the source ports of outgoing connections (Linux default 32768-60999). */
function ephemeralRangeStart(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/** A free port below the ephemeral range. Inside it, a client reconnecting to a broker that is
 *  restarting can be handed the broker's own port as its source port and connect to itself (TCP
 *  self-connect), and then the broker cannot bind its port again. */
async function freePort(taken: number[]): Promise<number> {
  const low = 10_000;
  const high = Math.max(ephemeralRangeStart(), low + 1000);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!taken.includes(port) && (await isPortFree(port))) return port;
  }
  throw new BrokerError(`found no free port between ${low} and ${high} on 127.0.0.1; set STREAMLAB_BROKER_PORT to a free one`);
}

/** The port pinned with STREAMLAB_BROKER_PORT, if any. */
function pinnedBrokerPort(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.STREAMLAB_BROKER_PORT;
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BrokerError(`STREAMLAB_BROKER_PORT must be a port number (1-65535, or 0 for any free port), not "${text}"`);
  }
  return port;
}

async function firstFree(candidates: (number | undefined)[], taken: number[]): Promise<number | undefined> {
  for (const port of candidates) {
    if (port !== undefined && !taken.includes(port) && (await isPortFree(port))) return port;
  }
  return undefined;
}

const busy = (port: number, why: string) =>
  new BrokerError(`port ${port} on 127.0.0.1 is in use by another process (${why}). Free it (e.g. \`lsof -i :${port}\` shows who holds it) and try again.`);

/** Ports for a broker that had `recorded` before. `exact` (restart) keeps them or fails. */
export async function choosePorts(options: { recorded?: NodePorts; exact?: boolean; onProgress?: (message: string) => void }): Promise<NodePorts> {
  const { recorded, exact = false, onProgress } = options;
  if (exact && recorded) {
    // The broker that held them may have died a moment ago: the kernel frees the sockets of a
    // many-threaded process only when its last thread is gone, so allow it a few seconds.
    for (const port of [recorded.broker, recorded.controller]) {
      if (!(await waitUntil(() => isPortFree(port), RELEASE_WAIT_MS))) throw busy(port, 'the broker must come back on the same ports so that clients reconnect');
    }
    return recorded;
  }
  const pinned = pinnedBrokerPort();
  const defaults: Partial<NodePorts> = pinned === 0 ? {} : DEFAULT_PORTS;
  let broker: number;
  if (pinned) {
    if (!(await isPortFree(pinned))) throw busy(pinned, 'it was chosen with STREAMLAB_BROKER_PORT');
    broker = pinned;
  } else {
    const wanted = recorded?.broker ?? defaults.broker;
    broker = (await firstFree([wanted, defaults.broker], [])) ?? (await freePort([]));
    if (wanted !== undefined && broker !== wanted) onProgress?.(`port ${wanted} is in use; the broker listens on ${broker} instead`);
  }
  const controller = (await firstFree([recorded?.controller, defaults.controller], [broker])) ?? (await freePort([broker]));
  return { broker, controller };
}
