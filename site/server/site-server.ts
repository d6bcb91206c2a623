// The site server `streamlab start` runs: the built Astro pages (through the Node adapter's handler),
// the API and the WebSockets (terminal, dashboard) on one port, loopback by default.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectKafka } from '../../graders/kafka/client.ts';
import { refusedCloseCode, refusedHeader } from '../shared/protocol.ts';
import { handleApi, sendJson } from './api.ts';
import { DashboardFeeds } from './dashboard.ts';
import { Gradings } from './gradings.ts';
import { markStarted } from './progress-store.ts';
import { checkRequest, ownOrigins } from './security.ts';
import { siteBuildDir } from './site-build.ts';
import { Terminals } from './terminal.ts';
import { Workspaces } from './workspaces.ts';

const defaultPort = 4321;
/** How many ports after the default are tried when it is taken. */
const portAttempts = 20;

export interface SiteServerOptions {
  host: string;
  /** Default 4321, else the next free port; a port given here must be free. */
  port?: number;
  brokers: string[];
  /** Folder with the Kafka CLI wrappers and `streamlab` (writeToolWrappers), put on the terminal's PATH. */
  binDir: string;
  /** The broker is streamlab's own: the grader may restart it for scenarios that ask. */
  managedBroker: boolean;
  /** Default: a fresh random token. */
  token?: string;
}

export interface SiteServer {
  url: string;
  port: number;
  token: string;
  /** Stops everything the server started; returns one line per kind of thing stopped. */
  close(): Promise<string[]>;
}

/** The site could not start (port taken, build missing). */
export class SiteServerError extends Error {
  override name = 'SiteServerError';
}

type AstroHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function loadAstroHandler(): Promise<AstroHandler> {
  const entry = path.join(siteBuildDir, 'server', 'entry.mjs');
  // The adapter's standalone entry starts its own server on import unless told not to.
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  try {
    return ((await import(pathToFileURL(entry).href)) as { handler: AstroHandler }).handler;
  } catch (err) {
    throw new SiteServerError(`cannot load the built site (${entry}): ${(err as Error).message}; run \`npm run build\``);
  }
}

/** WebSocket close reasons are limited to 123 bytes. */
const closeReason = (text: string) => Buffer.from(text).subarray(0, 123).toString('utf8').replace(/\uFFFD$/, '');

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function listenOnFreePort(server: http.Server, host: string, requested: number | undefined): Promise<number> {
  const candidates = requested !== undefined ? [requested] : Array.from({ length: portAttempts }, (_, i) => defaultPort + i);
  for (const port of candidates) {
    try {
      await listen(server, host, port);
      return (server.address() as { port: number }).port;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw new SiteServerError(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
      if (requested !== undefined) throw new SiteServerError(`port ${port} on ${host} is already in use; choose another with --port, or leave --port out to take the next free one`);
    }
  }
  throw new SiteServerError(`ports ${defaultPort}-${defaultPort + portAttempts - 1} on ${host} are all in use; choose one with --port`);
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const astro = await loadAstroHandler();
  const token = options.token ?? randomBytes(24).toString('base64url');
  const kafka = connectKafka(options.brokers, { clientId: 'streamlab-site' });
  const workspaces = new Workspaces(kafka);
  const terminals = new Terminals(options.binDir);
  const gradings = new Gradings(options.managedBroker ? undefined : options.brokers);
  const dashboards = new DashboardFeeds(kafka);
  const sockets = new WebSocketServer({ noServer: true });
  let origins = new Set<string>();

  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/api/')) return astro(req, res);
    const refusal = checkRequest(req, token, origins);
    if (refusal) return sendJson(res, 403, { error: refusal.reason }, { [refusedHeader]: refusal.kind });
    void handleApi({ workspaces, gradings, terminals }, req, res);
  });

  const openSocket = async (socket: WebSocket, url: URL) => {
    const lab = url.searchParams.get('lab') ?? '';
    // Keystrokes sent while the workspace is prepared wait in the socket instead of being lost.
    socket.pause();
    try {
      const workspace = await workspaces.ensure(lab);
      if (url.pathname === '/api/terminal') {
        await markStarted(lab);
        await terminals.open(socket, lab, workspace, { cols: Number(url.searchParams.get('cols')), rows: Number(url.searchParams.get('rows')) });
      } else {
        const output = workspace.env.OUTPUT_TOPIC;
        if (!output) throw new Error(`lab ${lab} has no OUTPUT_TOPIC to chart`);
        await dashboards.watch(socket, output);
      }
    } catch (err) {
      if (socket.readyState === socket.OPEN) socket.close(1011, closeReason((err as Error).message));
    } finally {
      socket.resume();
    }
  };

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/terminal' && url.pathname !== '/api/dashboard') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const refusal = checkRequest(req, token, origins);
    sockets.handleUpgrade(req, socket, head, (ws) => {
      // Completing the handshake first lets the page read why it was refused.
      if (refusal) ws.close(refusedCloseCode, closeReason(refusal.reason));
      else void openSocket(ws, url);
    });
  });

  const port = await listenOnFreePort(server, options.host, options.port);
  origins = ownOrigins(options.host, port);
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/?token=${token}`;

  let closing: Promise<string[]> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      const stopped: string[] = [];
      const gradingCount = await gradings.stopAll('the server is stopping');
      if (gradingCount > 0) stopped.push(gradingCount === 1 ? 'a running grading (and its submission)' : `${gradingCount} running gradings (and their submissions)`);
      const shells = await terminals.closeAll('server stopping');
      if (shells > 0) stopped.push(shells === 1 ? 'a terminal shell (and what it started)' : `${shells} terminal shells (and what they started)`);
      const feeds = await dashboards.closeAll();
      if (feeds > 0) stopped.push(feeds === 1 ? 'a dashboard reader' : `${feeds} dashboard readers`);
      for (const ws of sockets.clients) ws.terminate();
      server.closeAllConnections();
      await kafka.close();
      stopped.push(`the site server on port ${port}`);
      return stopped;
    })());

  return { url, port, token, close };
}
