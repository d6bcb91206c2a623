// Loopback ports for the broker. Policy: keep the ports a broker had before (clients and tool
// wrappers stay valid), else the conventional 9092/9093; a busy port falls back to a free one and
// says so. A port pinned with STREAMLAB_BROKER_PORT, or the recorded one on a restart (clients
// must find the broker where it was), is never replaced: busy means a specific error.
import net from 'node:net';
import { BrokerError } from './errors.ts';
import type { NodePorts } from './single-node-settings.ts';

export const DEFAULT_PORTS: NodePorts = { broker: 9092, controller: 9093 };

function listenOnce(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function isPortFree(port: number): Promise<boolean> {
  try {
    await close(await listenOnce(port));
    return true;
  } catch {
    return false;
  }
}

/** A port the OS considers free right now. */
async function freePort(): Promise<number> {
  const server = await listenOnce(0);
  const { port } = server.address() as net.AddressInfo;
  await close(server);
  return port;
}

/** The port pinned with STREAMLAB_BROKER_PORT, if any. */
export function pinnedBrokerPort(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.STREAMLAB_BROKER_PORT;
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BrokerError(`STREAMLAB_BROKER_PORT must be a port number (1-65535), not "${text}"`);
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
    for (const port of [recorded.broker, recorded.controller]) {
      if (!(await isPortFree(port))) throw busy(port, 'the broker must come back on the same ports so that clients reconnect');
    }
    return recorded;
  }
  const pinned = pinnedBrokerPort();
  if (pinned !== undefined && !(await isPortFree(pinned))) throw busy(pinned, 'it was chosen with STREAMLAB_BROKER_PORT');
  const wanted = pinned ?? recorded?.broker ?? DEFAULT_PORTS.broker;
  const broker = pinned ?? (await firstFree([recorded?.broker, DEFAULT_PORTS.broker], [])) ?? (await freePort());
  if (broker !== wanted) onProgress?.(`port ${wanted} is in use; the broker listens on ${broker} instead`);
  let controller = await firstFree([recorded?.controller, DEFAULT_PORTS.controller], [broker]);
  while (controller === undefined || controller === broker) controller = await freePort();
  return { broker, controller };
}
