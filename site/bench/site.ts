// `npm run bench:site`: keystroke-to-echo latency in the lab page's terminal (measured in the page:
// xterm input → WebSocket → pty → bash → WebSocket → xterm parsed the echo), the JavaScript the lab
// page loads (bytes from the build output, raw and gzip), and the site build time. Medians.
// Uses KAFKA_BROKERS if set, else the broker `streamlab start` would use (started and stopped here
// if none is running); its own state folder, so a learner's workspace is never touched.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium, startTestSite, useTestStateDir } from '../../test/e2e/site-harness.ts';
import { median, quantile } from '../../graders/bench/stats.ts';

const keystrokes = 200;
/** Keystrokes typed first, so JIT warm-up and page start-up work stay out of the numbers. */
const warmUp = 40;
const builds = 3;
const lab = 'clickstream';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Runs in the page: types `count` characters through xterm and times each until its echo is parsed. */
async function echoLatencies(count: number): Promise<number[]> {
  const term = window.streamlabTerminal?.term;
  if (!term) throw new Error('no terminal on the page');
  const buffer = () => term.buffer.active;
  const position = () => `${buffer().cursorY + buffer().baseY}:${buffer().cursorX}`;
  const parsedUntil = (done: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
      const listener = term.onWriteParsed(() => {
        if (!done()) return;
        clearTimeout(timer);
        listener.dispose();
        resolve();
      });
    });
  const samples: number[] = [];
  const promptAt = position();
  for (let i = 0; i < count; i++) {
    // Clear the line every 40 characters so readline never redraws a wrapped line.
    if (i % 40 === 0 && i > 0) {
      term.input('\x15', true);
      await parsedUntil(() => position() === promptAt);
    }
    const before = position();
    const started = performance.now();
    term.input(String.fromCharCode(97 + (i % 26)), true);
    await parsedUntil(() => position() !== before);
    samples.push(performance.now() - started);
  }
  term.input('\x15', true);
  return samples;
}

/** JS files the lab page loads, and those it loads later (the dashboard's chart library). */
async function pageScripts(url: string, clientDir: string): Promise<{ initial: string[]; onDemand: string[] }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.push(new URL(response.url()).pathname);
    });
    await page.goto(url, { waitUntil: 'networkidle' });
    const initial = [...scripts];
    await page.click('#tab-dashboard');
    // The chart exists (its library loaded) once the feed names the topic it reads.
    await page.waitForFunction(() => /Reading|rows/.test(document.getElementById('dashboard-status')?.textContent ?? ''), null, { timeout: 30_000 });
    return { initial: initial.map((p) => path.join(clientDir, p)), onDemand: scripts.slice(initial.length).map((p) => path.join(clientDir, p)) };
  } finally {
    await browser.close();
  }
}

async function sizes(files: string[]): Promise<{ raw: number; gzip: number }> {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = await readFile(file);
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip };
}

const state = await useTestStateDir();
// Imported after useTestStateDir: these read STREAMLAB_STATE_DIR when first loaded.
const { startBroker, stopBroker } = await import('../../graders/broker/index.ts');
const { buildSite, siteBuildDir } = await import('../server/site-build.ts');
const say = (line: string) => process.stderr.write(`${line}\n`);
const broker = await startBroker({ onProgress: (line) => say(`broker: ${line}`) });
const rows: [string, string][] = [];
try {
  say(`broker at ${broker.brokers.join(',')}; starting the site`);
  const site = await startTestSite(broker.brokers, state.stateDir);
  try {
    const labUrl = new URL(site.server.url);
    labUrl.pathname = `/labs/${lab}/`;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(labUrl.href);
      await page.waitForFunction(() => window.streamlabTerminal?.connected === true, null, { timeout: 30_000 });
      await page.waitForFunction(() => (window.streamlabTerminal?.term.buffer.active.cursorX ?? 0) > 0, null, { timeout: 15_000 });
      say(`typing ${keystrokes} keystrokes (after ${warmUp} not counted)`);
      await page.evaluate(echoLatencies, warmUp);
      const samples = await page.evaluate(echoLatencies, keystrokes);
      rows.push([`keystroke → echo, median (${keystrokes} keys)`, `${median(samples).toFixed(2)} ms`]);
      rows.push([`keystroke → echo, p95 (${keystrokes} keys)`, `${quantile(samples, 0.95).toFixed(2)} ms`]);
    } finally {
      await browser.close();
    }
    say('measuring the JavaScript the lab page loads');
    const scripts = await pageScripts(labUrl.href, path.join(siteBuildDir, 'client'));
    const initial = await sizes(scripts.initial);
    const onDemand = await sizes(scripts.onDemand);
    rows.push([`lab page JS at load (${scripts.initial.length} files)`, `${kb(initial.raw)} (${kb(initial.gzip)} gzip)`]);
    rows.push([`+ JS on opening the dashboard (${scripts.onDemand.length} files)`, `${kb(onDemand.raw)} (${kb(onDemand.gzip)} gzip)`]);
  } finally {
    await site.stop();
  }

  // Inside the repository: the build's prerender step resolves packages from node_modules.
  const outDir = path.join(state.stateDir, 'build');
  try {
    const times: number[] = [];
    for (let i = 0; i < builds; i++) {
      say(`site build ${i + 1} of ${builds}`);
      const started = performance.now();
      await buildSite({ outDir });
      times.push(performance.now() - started);
    }
    rows.push([`site build, median of ${builds}`, `${(median(times) / 1000).toFixed(2)} s`]);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
} finally {
  if (!broker.reused && broker.provider !== 'external') await stopBroker();
  await state.remove();
}

const width = Math.max(...rows.map(([name]) => name.length));
process.stdout.write(`\nbench:site\n${rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n')}\n`);
