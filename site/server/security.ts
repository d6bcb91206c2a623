// Who may use the API and the terminal (DESIGN.md §8): requests must carry this launch's token and
// come from a page of this server (Origin header). Pages themselves are public: they hold no secret.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import { tokenHeader } from '../shared/protocol.ts';

export interface Refusal {
  /** What was wrong, for the x-streamlab-refused header: the token or the Origin. */
  kind: 'token' | 'origin';
  reason: string;
}

const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]'];
const wildcardHosts = new Set(['0.0.0.0', '::', '[::]']);

/** The origins this server's own pages have when it listens on `host`:`port`. */
export function ownOrigins(host: string, port: number): Set<string> {
  const names = new Set(loopbackHosts);
  if (wildcardHosts.has(host)) {
    names.add(os.hostname());
    for (const addresses of Object.values(os.networkInterfaces())) {
      for (const a of addresses ?? []) names.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
    }
  } else {
    names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  }
  return new Set([...names].map((name) => `http://${name}:${port}`));
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks one request; null when it may proceed. The token may come as ?token= or in the header. */
export function checkRequest(req: IncomingMessage, token: string, origins: Set<string>): Refusal | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const header = req.headers[tokenHeader];
  const given = url.searchParams.get('token') ?? (typeof header === 'string' ? header : '');
  if (!given || !sameSecret(given, token)) {
    return { kind: 'token', reason: given ? 'the launch token is wrong (streamlab was restarted?)' : 'the launch token is missing' };
  }
  const origin = req.headers.origin;
  if (!origin) return { kind: 'origin', reason: 'the Origin header is missing' };
  if (!origins.has(origin)) return { kind: 'origin', reason: `Origin ${origin.slice(0, 60)} is not this server` };
  return null;
}
