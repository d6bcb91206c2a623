// The site in headless Chromium against the real server and broker: catalogue, the lab terminal
// running the real Kafka tools, Grade on the starter (fails with its finding) and on the solution
// (passes, unlocks the reference solution), the live dashboard, and what happens to the shell when
// the page goes away. Screenshots go to .streamlab/artifacts/e2e/.
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { isRunning } from '../../site/server/process-tree.ts';
import { artifactsDir, launchChromium, startTestSiteOnTestBroker, terminalText, type TestSite } from './site-harness.ts';

const lab = 'clickstream';
const gradingTimeout = 10 * 60_000;

let site: TestSite;
let browser: Browser;
let page: Page;
let workspaceDir: string;
let topicPrefix: string;

beforeAll(async () => {
  site = await startTestSiteOnTestBroker();
  browser = await launchChromium();
  // One context for the main page and its second tab: they share the session cookie.
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await mkdir(artifactsDir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const shot = (name: string, target: Page = page) => target.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
const screen = (target: Page = page) => target.evaluate(terminalText);

/** What the terminal printed after the last time `command` was typed. */
async function outputOf(command: string, target: Page = page): Promise<string> {
  const text = await screen(target);
  const at = text.lastIndexOf(command);
  return at < 0 ? '' : text.slice(at + command.length);
}

async function typeCommand(command: string, target: Page = page): Promise<void> {
  await target.locator('#terminal').click();
  await target.keyboard.type(command);
  await target.keyboard.press('Enter');
}

async function waitForShell(target: Page = page): Promise<void> {
  await target.waitForFunction(() => window.streamlabTerminal?.connected === true, null, { timeout: 30_000 });
  await expect.poll(() => screen(target), { timeout: 15_000 }).toMatch(/^clickstream \S+ [#$]$/m);
}

/** POSTs to the API from the page, with the launch token (the page's Origin comes with it). */
function callApi(route: string): Promise<{ status: number; body: string }> {
  return page.evaluate(
    async ([path, token]) => {
      const response = await fetch(path, { method: 'POST', headers: { 'x-streamlab-token': token } });
      return { status: response.status, body: await response.text() };
    },
    [route, site.server.token] as const,
  );
}

async function grade(): Promise<{ verdict: string | null; findings: string[] }> {
  await page.click('#grade-button');
  // Live progress first: the scenario list appears while the grader runs.
  await page.waitForSelector('#results .progress-list li[data-scenario]', { timeout: 60_000 });
  // One grading per lab at a time.
  const second = await callApi(`/api/grade?lab=${lab}`);
  expect(second.status).toBe(409);
  expect(second.body).toContain('already running');
  await page.waitForSelector('#results .report', { timeout: gradingTimeout });
  return {
    verdict: await page.getAttribute('#results .report', 'data-verdict'),
    findings: await page.locator('#results .finding').allTextContents(),
  };
}

test('the catalogue lists the lab under its level, not started', async () => {
  await page.goto(site.server.url);
  await page.waitForSelector(`a.card[data-lab="${lab}"]`);
  expect(await page.locator('.level h2').allTextContents()).toContain('Beginner');
  expect(await page.locator(`a.card[data-lab="${lab}"] h3`).textContent()).toBe('Clickstream windowed counts');
  expect(await page.locator(`[data-progress="${lab}"]`).textContent()).toMatch(/not started/);
  // The launch token moved from the address bar into the page's session.
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  await shot('catalogue');
});

test('the lab terminal runs the real Kafka CLI tools against the broker', async () => {
  await page.click(`a.card[data-lab="${lab}"]`);
  await waitForShell();
  const record = JSON.parse(await readFile(path.join(site.stateDir, 'workspaces', `${lab}.json`), 'utf8')) as { id: string };
  topicPrefix = `ws.${lab}.${record.id}`;
  workspaceDir = path.join(site.stateDir, 'workspaces', lab);

  await typeCommand('kafka-topics --list');
  // The JVM tool takes a few seconds; its output is one topic per line.
  await expect.poll(() => outputOf('kafka-topics --list'), { timeout: 60_000 }).toContain(`\n${topicPrefix}.late\n`);
  const listed = (await outputOf('kafka-topics --list')).split('\n');
  for (const topic of ['input', 'output', 'late']) expect(listed).toContain(`${topicPrefix}.${topic}`);

  await typeCommand('pwd; echo "brokers=$KAFKA_BROKERS"');
  await expect.poll(() => outputOf('echo "brokers=$KAFKA_BROKERS"')).toContain(`${workspaceDir}\nbrokers=${site.brokers.join(',')}`);
  expect(await page.locator('#lab-status').textContent()).toBe('in progress');
  await shot('terminal');
});

test('Grade on the starter shows live progress, then the failing findings', { timeout: gradingTimeout + 60_000 }, async () => {
  const { verdict, findings } = await grade();
  expect(verdict).toBe('fail');
  expect(findings).toContain('DUPLICATE');
  expect(await page.locator('#results table.diff tbody[data-status="DUPLICATE"]').count()).toBeGreaterThan(0);
  expect(await page.locator('#lab-status').textContent()).toBe('in progress');
  expect(await page.locator('#solution-button').isDisabled()).toBe(true);
  await shot('grade-starter');
  await page.locator('#results table.diff tbody[data-status="DUPLICATE"]').first().scrollIntoViewIfNeeded();
  await shot('grade-starter-diff');

  // The server refuses the solution too, not just the page.
  const refused = await callApi(`/api/solution?lab=${lab}`);
  expect(refused.status).toBe(403);
  expect(refused.body).toContain('unlocks after your workspace passes');
});

test('with the solution in the workspace, Grade passes and unlocks the reference solution', { timeout: gradingTimeout + 60_000 }, async () => {
  await cp(path.join('labs', lab, 'solution', 'ts'), workspaceDir, { recursive: true });
  const { verdict, findings } = await grade();
  expect(findings).toEqual([]);
  expect(verdict).toBe('pass');
  expect(await page.locator('#lab-status').textContent()).toBe('passed');
  await shot('grade-solution');

  await page.click('#tab-solution');
  await page.click('#solution-button');
  await page.waitForSelector('.solution-file h4');
  const solutionFiles = (await readdir(path.join('labs', lab, 'solution', 'ts'))).sort();
  expect(await page.locator('.solution-file h4').allTextContents()).toEqual(solutionFiles);
  const saved = JSON.parse(await readFile(path.join(site.stateDir, 'progress.json'), 'utf8')) as { labs: Record<string, { status: string; attempts: number }> };
  expect(saved.labs[lab]).toMatchObject({ status: 'passed', attempts: 2 });
  await shot('solution');
});

test('the dashboard charts the windows the running pipeline writes', async () => {
  await page.click('#tab-dashboard');
  await expect.poll(() => page.textContent('#dashboard-status')).toContain(`Reading ${topicPrefix}.output`);
  await typeCommand('node main.ts &');
  // The guide's worked example, on one partition: /home gets 3 clicks in its window, /cart 2.
  const { connectKafka } = await import('../../graders/kafka/client.ts');
  const kafka = connectKafka(site.brokers);
  const clicks: [string, string, number][] = [
    ['e-1', '/home', 1700000045000],
    ['e-2', '/home', 1700000099999],
    ['e-3', '/cart', 1700000100000],
    ['e-4', '/home', 1700000080000],
    ['e-5', '/cart', 1700000130000],
    ['e-6', '/home', 1700000090000],
  ];
  try {
    await kafka.produce(`${topicPrefix}.input`, [
      ...clicks.map(([id, url, ts]) => ({ partition: 0, key: 'u-1', timestamp: ts, value: JSON.stringify({ event_id: id, user_id: 'u-1', url, ts }) })),
      { partition: 0, key: '__ctl__', timestamp: 1700000190000, value: JSON.stringify({ type: 'tick', ts: 1700000190000 }) },
    ]);
  } finally {
    await kafka.close();
  }
  await expect.poll(() => page.textContent('#dashboard-status'), { timeout: 60_000 }).toContain('2 rows in 2 windows');
  await shot('dashboard');
  await typeCommand('kill %1');
});

test('Reset moves the workspace to a backup and starts again from the starter with new, empty topics', async () => {
  page.once('dialog', (dialog) => void dialog.accept());
  await page.click('#reset-button');
  await expect.poll(() => screen(), { timeout: 15_000 }).toMatch(/your previous files are in (\S+)\]/);
  const backup = /your previous files are in (\S+)\]/.exec(await screen())?.[1] ?? '';
  await waitForShell();
  // The backup holds the solution that was there; the workspace holds the starter again.
  const starterMain = await readFile(path.join('labs', lab, 'starter', 'main.ts'), 'utf8');
  expect(await readFile(path.join(backup, 'main.ts'), 'utf8')).toBe(await readFile(path.join('labs', lab, 'solution', 'ts', 'main.ts'), 'utf8'));
  expect(await readFile(path.join(workspaceDir, 'main.ts'), 'utf8')).toBe(starterMain);
  const record = JSON.parse(await readFile(path.join(site.stateDir, 'workspaces', `${lab}.json`), 'utf8')) as { id: string };
  const newPrefix = `ws.${lab}.${record.id}`;
  expect(newPrefix).not.toBe(topicPrefix);
  const { connectKafka } = await import('../../graders/kafka/client.ts');
  const kafka = connectKafka(site.brokers);
  try {
    const topics = await kafka.listTopics();
    expect(topics).toContain(`${newPrefix}.input`);
    await expect.poll(async () => (await kafka.listTopics()).filter((t) => t.startsWith(`${topicPrefix}.`)), { timeout: 30_000 }).toEqual([]);
    expect((await kafka.endOffsets(`${newPrefix}.output`)).every((p) => p.end === '0')).toBe(true);
  } finally {
    await kafka.close();
  }
  topicPrefix = newPrefix;
  // A pass stays a pass.
  expect(await page.locator('#lab-status').textContent()).toBe('passed');
});

test('two tabs get two shells in the same workspace', async () => {
  const second = await page.context().newPage();
  try {
    await second.goto(page.url());
    await waitForShell(second);
    for (const tab of [page, second]) await typeCommand('echo "shell=$$ dir=$PWD"', tab);
    const shells = await Promise.all(
      [page, second].map(async (tab) => {
        await expect.poll(() => outputOf('echo "shell=$$ dir=$PWD"', tab)).toMatch(/shell=\d+ dir=/);
        return /shell=(\d+) dir=(\S+)/.exec(await outputOf('echo "shell=$$ dir=$PWD"', tab))?.slice(1);
      }),
    );
    expect(shells[0]?.[0]).not.toBe(shells[1]?.[0]);
    expect(shells.map((s) => s?.[1])).toEqual([workspaceDir, workspaceDir]);
  } finally {
    await second.close();
  }
});

test('a reload gets a new shell in the same workspace; closing the page ends the shell and its jobs', async () => {
  await typeCommand('sleep 600 & echo "job=$!"');
  await expect.poll(() => outputOf('echo "job=$!"')).toMatch(/job=\d+/);
  const firstJob = Number(/job=(\d+)/.exec(await outputOf('echo "job=$!"'))?.[1]);
  expect(isRunning(firstJob)).toBe(true);

  await page.reload();
  await waitForShell();
  await expect.poll(() => isRunning(firstJob), { timeout: 10_000 }).toBe(false);
  await typeCommand('pwd');
  await expect.poll(() => outputOf('pwd')).toContain(workspaceDir);

  // Resizing the page resizes the pty.
  await page.setViewportSize({ width: 900, height: 700 });
  await typeCommand('stty size');
  await expect.poll(() => outputOf('stty size')).toMatch(/^\s*\d+ \d+/);
  const [rows, cols] = (await outputOf('stty size')).trim().split(/\s+/).map(Number);
  const size = await page.evaluate(() => ({ rows: window.streamlabTerminal?.term.rows, cols: window.streamlabTerminal?.term.cols }));
  expect({ rows, cols }).toEqual(size);

  await typeCommand('sleep 600 & echo "job=$!"');
  await expect.poll(() => outputOf('echo "job=$!"')).toMatch(/job=\d+/);
  const secondJob = Number(/job=(\d+)/.exec(await outputOf('echo "job=$!"'))?.[1]);
  await page.close();
  await expect.poll(() => isRunning(secondJob), { timeout: 10_000 }).toBe(false);
});

test('on a narrow screen the guide and the workspace stack', async () => {
  const narrow = await browser.newPage({ viewport: { width: 420, height: 900 } });
  try {
    // A new browser context: no session cookie yet, so the lab link carries the token itself.
    const url = new URL(site.server.url);
    url.pathname = `/labs/${lab}/`;
    await narrow.goto(url.href);
    await waitForShell(narrow);
    const guide = await narrow.locator('.guide').boundingBox();
    const workspace = await narrow.locator('.workspace').boundingBox();
    expect(guide && workspace && workspace.y >= guide.y + guide.height - 1).toBe(true);
    await narrow.screenshot({ path: path.join(artifactsDir, 'narrow-guide.png') });
    await narrow.locator('.workspace').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await narrow.screenshot({ path: path.join(artifactsDir, 'narrow-workspace.png') });
  } finally {
    await narrow.close();
  }
});

test('a page opened with a stale token says to open the printed link', async () => {
  const stale = await browser.newPage();
  try {
    const url = new URL(site.server.url);
    url.searchParams.set('token', 'from-an-earlier-launch');
    url.pathname = `/labs/${lab}/`;
    await stale.goto(url.href);
    await stale.waitForSelector('#token-banner:not([hidden])', { timeout: 15_000 });
    expect(await stale.textContent('#token-banner')).toContain('open the link that streamlab start');
    await stale.screenshot({ path: path.join(artifactsDir, 'stale-token.png') });
  } finally {
    await stale.close();
  }
});
