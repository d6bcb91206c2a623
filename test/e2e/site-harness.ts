// Starts the real site server (the code `streamlab start` runs) against the test broker, in a state
// folder of its own so a learner's workspaces and progress are never touched, and drives headless
// Chromium. Used by the browser tests and by `npm run bench:site`.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import type { SiteServer } from '../../site/server/site-server.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Where the browser tests keep screenshots. */
export const artifactsDir = path.join(repoRoot, '.streamlab', 'artifacts', 'e2e');

export interface TestSite {
  server: SiteServer;
  brokers: string[];
  stateDir: string;
  /** Stops the server and deletes the topics of the workspaces it created. */
  stop(): Promise<void>;
}

/** A fresh state folder, made current (STREAMLAB_STATE_DIR) for the streamlab modules imported
 *  from now on: graders/paths.ts reads it once, when first imported, so import those only after.
 *  It lives inside the repository so that the TypeScript starter and solution find the
 *  repository's node_modules (kafkajs). `remove` deletes it and restores the variable. */
export async function useTestStateDir(): Promise<{ stateDir: string; remove(): Promise<void> }> {
  const stateDir = path.join(repoRoot, '.streamlab', 'test-state', `site-${randomBytes(4).toString('hex')}`);
  await mkdir(stateDir, { recursive: true });
  const previous = process.env.STREAMLAB_STATE_DIR;
  process.env.STREAMLAB_STATE_DIR = stateDir;
  return {
    stateDir,
    remove: async () => {
      await rm(stateDir, { recursive: true, force: true });
      if (previous === undefined) delete process.env.STREAMLAB_STATE_DIR;
      else process.env.STREAMLAB_STATE_DIR = previous;
    },
  };
}

/** Starts the site server (building the site first if needed) on a free port against `brokers`,
 *  in the state folder of `useTestStateDir`. */
export async function startTestSite(brokers: string[], stateDir: string): Promise<TestSite> {
  if (process.env.STREAMLAB_STATE_DIR !== stateDir) throw new Error('call useTestStateDir() before startTestSite()');
  // A learner's workspace must never be touched: check the state folder the modules actually use.
  const paths = await import('../../graders/paths.ts');
  if (paths.stateDir !== stateDir) {
    throw new Error(`graders/paths.ts was loaded before useTestStateDir() (its stateDir is ${paths.stateDir}); import streamlab modules only after it`);
  }
  const { buildNeeded, buildSite } = await import('../../site/server/site-build.ts');
  if (await buildNeeded()) await buildSite();
  const { writeToolWrappers } = await import('../../graders/broker/index.ts');
  const binDir = await writeToolWrappers({ provider: 'external', brokers, running: true }, { stateDir });
  const { startSiteServer } = await import('../../site/server/site-server.ts');
  const server = await startSiteServer({ host: '127.0.0.1', port: 0, brokers, binDir, managedBroker: false });
  return {
    server,
    brokers,
    stateDir,
    stop: async () => {
      await server.close();
      await deleteWorkspaceTopics(stateDir, brokers);
    },
  };
}

/** `startTestSite` against the tests' broker (test/global-setup.ts) in a fresh state folder of its
 *  own; `stop` also deletes that folder. */
export async function startTestSiteOnTestBroker(): Promise<TestSite> {
  const state = await useTestStateDir();
  try {
    // test/broker.ts loads graders modules, which read the state folder once: import it after.
    const { testBrokers } = await import('../broker.ts');
    const site = await startTestSite(testBrokers(), state.stateDir);
    return {
      ...site,
      stop: async () => {
        try {
          await site.stop();
        } finally {
          await state.remove();
        }
      },
    };
  } catch (error) {
    await state.remove();
    throw error;
  }
}

/** Deletes the topics of the workspaces in `stateDir`: ws.<lab>.<id>.<topic>, the ids being in
 *  workspaces/<lab>.json. */
export async function deleteWorkspaceTopics(stateDir: string, brokers: string[]): Promise<void> {
  const dir = path.join(stateDir, 'workspaces');
  const ids = new Set<string>();
  for (const name of await readdir(dir).catch(() => [])) {
    if (name.endsWith('.json')) ids.add((JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { id: string }).id);
  }
  if (ids.size === 0) return;
  const { connectKafka } = await import('../../graders/kafka/client.ts');
  const kafka = connectKafka(brokers);
  try {
    const topics = (await kafka.listTopics()).filter((t) => t.startsWith('ws.') && ids.has(t.split('.')[2] ?? ''));
    await kafka.deleteTopics(topics);
  } finally {
    await kafka.close();
  }
}

/** Headless Chromium: STREAMLAB_CHROMIUM, else the Debian package's /usr/bin/chromium. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.STREAMLAB_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install it (Debian: apt-get install -y chromium) or set STREAMLAB_CHROMIUM to its path`);
  }
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The terminal's text as xterm holds it (what the learner sees, scrollback included), with lines
 *  that wrapped at the terminal's width joined again. Runs in the page. */
export function terminalText(): string {
  const term = window.streamlabTerminal?.term;
  if (!term) return '';
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    const text = line?.translateToString() ?? '';
    if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines.map((l) => l.trimEnd()).join('\n');
}
