// `streamlab start` as a learner runs it (the real CLI in a child process, against the test broker,
// in a state folder of its own): the printed URL and token, a taken --port, the warning for a
// non-loopback --host, and Ctrl-C stopping the shells it started.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { isRunning } from '../../site/server/process-tree.ts';
import { deleteWorkspaceTopics, useTestStateDir } from './site-harness.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let state: Awaited<ReturnType<typeof useTestStateDir>>;

let brokers: string[];

beforeAll(async () => {
  state = await useTestStateDir();
  // test/broker.ts loads graders modules, which read the state folder once: import it after.
  brokers = (await import('../broker.ts')).testBrokers();
  // Build once here, so the launches below do not each say they are building.
  const { buildNeeded, buildSite } = await import('../../site/server/site-build.ts');
  if (await buildNeeded()) await buildSite();
});

afterAll(async () => {
  if (!state) return;
  await deleteWorkspaceTopics(state.stateDir, brokers);
  await state.remove();
});

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const launched = new Set<Launch>();

// A test that fails midway still stops the server it launched (and so the shells it started).
afterEach(async () => {
  for (const run of launched) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  launched.clear();
});

function launch(args: string[]): Launch {
  const child = spawn(process.execPath, [path.join(repoRoot, 'graders', 'cli', 'bin.mjs'), 'start', ...args], {
    env: { ...process.env, KAFKA_BROKERS: brokers.join(','), STREAMLAB_STATE_DIR: state.stateDir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const run = { child, output: () => output, exited };
  launched.add(run);
  return run;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const urlPattern = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/;

test('a taken --port is a clear error, exit 2', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as net.AddressInfo;
  try {
    const run = launch(['--port', String(port)]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain(`port ${port} on 127.0.0.1 is already in use; choose another with --port`);
  } finally {
    blocker.close();
  }
});

test('prints the URL with a fresh token; Ctrl-C stops the shells it started and leaves the broker running', async () => {
  const port = await freePort();
  const run = launch(['--port', String(port)]);
  await expect.poll(() => run.output(), { timeout: 60_000 }).toMatch(urlPattern);
  const [, shownPort, token] = urlPattern.exec(run.output()) ?? [];
  expect(Number(shownPort)).toBe(port);
  expect(token?.length).toBeGreaterThanOrEqual(32);

  // A shell with a background job, as a learner's terminal would have.
  const origin = `http://127.0.0.1:${port}`;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/terminal?lab=clickstream&token=${token}`, { origin });
  let screen = '';
  socket.on('message', (data) => (screen += data.toString()));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send('sleep 600 & echo "job=$!"\r');
  await expect.poll(() => /job=(\d+)/.exec(screen)?.[1], { timeout: 15_000 }).toBeDefined();
  const job = Number(/job=(\d+)/.exec(screen)?.[1]);

  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  expect(run.output()).toContain(`stopped: a terminal shell (and what it started); the site server on port ${port}`);
  expect(run.output()).toContain('broker: left running');
  expect(isRunning(job)).toBe(false);
});

test('a --host other than loopback warns that the terminal is reachable from the network', async () => {
  const run = launch(['--host', '0.0.0.0', '--port', String(await freePort())]);
  await expect.poll(() => run.output(), { timeout: 60_000 }).toMatch(urlPattern);
  expect(run.output()).toContain('warning: listening on 0.0.0.0: the lab terminal (a shell on this machine) is reachable from the network');
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
});
