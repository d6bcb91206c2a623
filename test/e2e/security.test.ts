// DESIGN.md §8 against the real server: the API and the WebSockets refuse a request without this
// launch's token, or from another Origin (403 with the reason / close 4403 with the reason), and
// accept the same request with both.
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { startTestSiteOnTestBroker, type TestSite } from './site-harness.ts';

let site: TestSite;
let base: string;
let token: string;

beforeAll(async () => {
  site = await startTestSiteOnTestBroker();
  base = new URL(site.server.url).origin;
  token = site.server.token;
});

afterAll(async () => {
  await site?.stop();
});

const post = (route: string, headers: Record<string, string>) => fetch(`${base}${route}`, { method: 'POST', headers });

const routes = ['/api/progress', '/api/lab?lab=clickstream', '/api/grade?lab=clickstream', '/api/solution?lab=clickstream', '/api/reset?lab=clickstream'];

test.each(routes)('%s refuses a missing or wrong token with 403', async (route) => {
  const attempts: Record<string, string>[] = [{ origin: base }, { origin: base, 'x-streamlab-token': 'not-the-token' }];
  for (const headers of attempts) {
    const response = await post(route, headers);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-streamlab-refused')).toBe('token');
    expect(((await response.json()) as { error: string }).error).toMatch(/launch token is (missing|wrong)/);
  }
});

test.each(routes)('%s refuses another Origin, or none, with 403', async (route) => {
  const attempts: Record<string, string>[] = [{ origin: 'http://evil.example', 'x-streamlab-token': token }, { 'x-streamlab-token': token }];
  for (const headers of attempts) {
    const response = await post(route, headers);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-streamlab-refused')).toBe('origin');
    expect(((await response.json()) as { error: string }).error).toMatch(/Origin/);
  }
});

test('with the token and its own Origin, the API answers', async () => {
  const response = await post('/api/progress', { origin: base, 'x-streamlab-token': token });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ version: 1, labs: {} });
});

test('pages need no token: they hold no secret', async () => {
  const response = await fetch(`${base}/labs/clickstream/`);
  expect(response.status).toBe(200);
  expect(await response.text()).not.toContain(token);
});

/** Connects and resolves with how the server closed the socket (or 'open' if it stays open). */
function connect(route: string, origin: string): Promise<{ code: number; reason: string } | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}${route}`, { origin });
    let timer: NodeJS.Timeout | undefined;
    socket.on('open', () => {
      timer = setTimeout(() => {
        socket.close();
        resolve('open');
      }, 1500);
    });
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
    socket.on('error', reject);
  });
}

test.each(['/api/terminal', '/api/dashboard'])('%s closes with 4403 and the reason for a missing token or a foreign Origin', async (route) => {
  expect(await connect(`${route}?lab=clickstream`, base)).toEqual({ code: 4403, reason: 'the launch token is missing' });
  expect(await connect(`${route}?lab=clickstream&token=wrong`, base)).toEqual({ code: 4403, reason: 'the launch token is wrong (streamlab was restarted?)' });
  expect(await connect(`${route}?lab=clickstream&token=${token}`, 'http://evil.example')).toEqual({ code: 4403, reason: 'Origin http://evil.example is not this server' });
});

test('the terminal socket opens a shell with the token and its own Origin', async () => {
  expect(await connect(`/api/terminal?lab=clickstream&token=${token}`, base)).toBe('open');
});
