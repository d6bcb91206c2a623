// The submission supervisor and runner against real misbehaving processes and a real broker:
// each fixture under test/fixtures/submissions/ must end with its own finding, and nothing the
// grader started may outlive it.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectKafka } from '../../graders/kafka/client.ts';
import { gradeLab } from '../../graders/harness/grade.ts';
import type { GradeOptions } from '../../graders/harness/grade.ts';
import type { GradeReport } from '../../graders/harness/report-schema.ts';
import { Supervisor } from '../../graders/harness/supervisor.ts';
import { repoRoot } from '../../graders/paths.ts';
import { testBrokers } from '../broker.ts';
import { echoLab } from './echo-lab.ts';
import { alive, processesIn } from './processes.ts';

const brokers = testBrokers();
const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'submissions', name);
const timing = { neverConsumedMs: 3000, stopGraceMs: 1000 };
const client = connectKafka(brokers);
afterAll(() => client.close());

const grade = (name: string, options: Partial<GradeOptions> = {}) =>
  gradeLab(echoLab, { lab: echoLab.slug, submissionDir: fixture(name), brokers, timing, scenarios: ['copy'], ...options });

const failedFindings = (report: GradeReport) => report.scenarios.flatMap((s) => s.checks.filter((c) => !c.passed).map((c) => c.finding));
const runtimeCheck = (report: GradeReport) => report.scenarios[0]?.checks.find((c) => c.name === 'submission ran');

async function leftoverTopics(scenario: string): Promise<string[]> {
  return (await client.listTopics()).filter((t) => t.startsWith('sl.') && t.includes(`.${scenario}.`));
}

async function waitForLine(supervisor: Supervisor, pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(supervisor.outcome().stdoutTail);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} within ${ms} ms; stdout: ${supervisor.outcome().stdoutTail}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const launch = (name: string) => ({ file: process.execPath, args: ['main.ts'], cwd: fixture(name), env: process.env, display: 'node main.ts' });

describe('grading the echo test lab', () => {
  it('passes a correct submission and removes the run topics', async () => {
    const report = await grade('echo');
    expect(report.verdict, JSON.stringify(report, null, 2)).toBe('pass');
    const [scenario] = report.scenarios;
    expect(scenario?.inputEvents).toBe(20);
    expect(scenario?.outputRecords).toBe(20);
    expect(scenario?.submission?.exitCode).toBeNull();
    expect(await leftoverTopics('copy')).toEqual([]);
    expect(processesIn(fixture('echo'))).toEqual([]);
  });

  it('kills, restarts and adds an instance as the steps say', async () => {
    const report = await grade('echo', { scenarios: ['restart'] });
    expect(report.verdict, JSON.stringify(report, null, 2)).toBe('pass');
    expect(report.scenarios[0]?.submission?.restarts).toBe(1);
    expect(runtimeCheck(report)?.message).toContain('(1 restart)');
    expect(processesIn(fixture('echo'))).toEqual([]);
  });

  it('reports a submission that crashes at start as CRASHED with its stderr', async () => {
    const report = await grade('crashes-at-start');
    expect(report.verdict).toBe('fail');
    expect(runtimeCheck(report)?.finding).toBe('CRASHED');
    expect(runtimeCheck(report)?.message).toMatch(/exited with code 1[\s\S]*INPUT_TOPIK is not set/);
    expect(report.scenarios[0]?.submission?.exitCode).toBe(1);
  });

  it('reports a submission that ends by itself as EXITED_EARLY', async () => {
    const report = await grade('exits-early');
    expect(runtimeCheck(report)?.finding).toBe('EXITED_EARLY');
    expect(report.scenarios[0]?.submission?.stdoutTail).toContain('exiting');
  });

  it('reports a submission that never reads its input as NEVER_CONSUMED', async () => {
    const report = await grade('never-consumes');
    expect(runtimeCheck(report)?.finding).toBe('NEVER_CONSUMED');
    expect(processesIn(fixture('never-consumes'))).toEqual([]);
  });

  it('reports a submission that stops consuming midway as TIMED_OUT', async () => {
    const report = await grade('stalls', { timing: { ...timing, hungMs: 3000 } });
    expect(runtimeCheck(report)?.finding).toBe('TIMED_OUT');
    expect(runtimeCheck(report)?.message).toMatch(/stopped making progress[\s\S]*input records not yet committed/);
    expect(processesIn(fixture('stalls'))).toEqual([]);
  });

  it('stops reading a flooding submission, fails it with FLOOD and keeps memory bounded', async () => {
    const report = await grade('floods-output');
    expect(failedFindings(report)).toContain('FLOOD');
    // 10 × the input records written so far + 1000, plus at most one fetch in flight.
    expect(report.scenarios[0]?.outputRecords).toBeLessThan(10_000);
    expect(processesIn(fixture('floods-output'))).toEqual([]);
    expect(await leftoverTopics('copy')).toEqual([]);
  });

  it('stops the submission and deletes the topics when the grade is aborted', async () => {
    const controller = new AbortController();
    const grading = grade('echo', {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'step' && event.message.startsWith('waiting')) controller.abort(new Error('interrupted'));
      },
    });
    await expect(grading).rejects.toThrow('interrupted');
    expect(processesIn(fixture('echo'))).toEqual([]);
    expect(await leftoverTopics('copy')).toEqual([]);
  });
});

describe('Supervisor', () => {
  it('escalates to SIGKILL when the submission ignores SIGTERM', async () => {
    const supervisor = new Supervisor(launch('ignores-sigterm'), { graceMs: 1000 });
    supervisor.start();
    await waitForLine(supervisor, /ready/);
    const pid = supervisor.pid ?? 0;
    const started = Date.now();
    await supervisor.stop('SIGTERM');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(alive(pid)).toBe(false);
    expect(supervisor.outcome().stdoutTail).toContain('SIGTERM received, ignoring it');
    expect(supervisor.unexpectedExit).toBeUndefined();
  });

  it('stops the processes a submission started along with it', async () => {
    const supervisor = new Supervisor(launch('spawns-grandchild'), { graceMs: 1000 });
    supervisor.start();
    const grandchild = Number((await waitForLine(supervisor, /grandchild (\d+)/))[1]);
    expect(alive(grandchild)).toBe(true);
    await supervisor.stop('SIGTERM');
    expect(alive(grandchild)).toBe(false);
  });

  it('keeps only a bounded tail of the output', async () => {
    const supervisor = new Supervisor(
      { ...launch('echo'), file: process.execPath, args: ['-e', 'for (let i = 0; i < 20000; i++) console.log(`line ${i} ${"x".repeat(50)}`)'] },
      { tailBytes: 4096, tailLines: 5 },
    );
    supervisor.start();
    await supervisor.exited();
    const { stdoutTail, exitCode } = supervisor.outcome();
    expect(exitCode).toBe(0);
    expect(stdoutTail.split('\n')).toHaveLength(5);
    expect(stdoutTail).toMatch(/line 19999 x+$/);
  });
});
