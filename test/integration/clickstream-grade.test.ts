// The clickstream lab graded end to end on a real broker, default seed: both reference solutions
// pass every scenario; the starter and every mutant under labs/clickstream/mutants/ (new ones
// included automatically) fail with the finding they exist for; Ctrl-C on `streamlab grade`
// stops the submission, deletes the run's topics and exits 130.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gradeSubmission } from '../../graders/harness/grade.ts';
import { loadLab } from '../../graders/harness/labs.ts';
import type { GradeReport, ScenarioResult } from '../../graders/harness/report-schema.ts';
import { connectKafka } from '../../graders/kafka/client.ts';
import { labsDir, repoRoot } from '../../graders/paths.ts';
import { testBrokers } from '../broker.ts';
import { alive, descendants, envOf } from './processes.ts';

const brokers = testBrokers();
const labDir = path.join(labsDir, 'clickstream');
const mutants = readdirSync(path.join(labDir, 'mutants'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const client = connectKafka(brokers);
afterAll(() => client.close());

const failedFindings = (result: ScenarioResult) => result.checks.filter((c) => !c.passed).map((c) => c.finding);
const findings = (report: GradeReport) => new Set(report.scenarios.flatMap(failedFindings));
/** Grades labs/clickstream/<dir>; with `until`, stops at the first scenario that shows that finding. */
const grade = (dir: string, until?: string) =>
  gradeSubmission({
    lab: 'clickstream',
    submissionDir: path.join(labDir, dir),
    brokers,
    stopWhen: until === undefined ? undefined : (result) => failedFindings(result).includes(until),
  });
const summary = (report: GradeReport) =>
  JSON.stringify(
    { error: report.error, scenarios: report.scenarios.map((s) => ({ name: s.name, verdict: s.verdict, error: s.error, failed: s.checks.filter((c) => !c.passed).map((c) => `${c.finding}: ${c.message}`) })) },
    null,
    2,
  );

describe('clickstream reference solutions', () => {
  it.each(['ts', 'python'])('solution/%s passes every scenario', async (lang) => {
    const report = await grade(`solution/${lang}`);
    expect(report.verdict, summary(report)).toBe('pass');
    expect(report.scenarios.map((s) => s.name)).toEqual((await loadLab('clickstream')).scenarios.map((s) => s.name));
  });
});

describe('clickstream starter and mutants', () => {
  it('the starter fails with the lab starter finding', async () => {
    const { starterFinding } = await loadLab('clickstream');
    const report = await grade('starter', starterFinding);
    expect(report.verdict, summary(report)).toBe('fail');
    expect([...findings(report)]).toContain(starterFinding);
  });

  it.each(mutants)('mutant %s fails with its finding', async (name) => {
    const { finding } = JSON.parse(readFileSync(path.join(labDir, 'mutants', name, 'mutant.json'), 'utf8')) as { finding: string };
    const report = await grade(`mutants/${name}`, finding);
    expect(report.verdict, summary(report)).toBe('fail');
    expect([...findings(report)], summary(report)).toContain(finding);
  });
});

describe('streamlab grade on Ctrl-C', () => {
  it('stops the submission, deletes the run topics and exits 130', async () => {
    const cli = spawn(process.execPath, ['graders/cli/bin.mjs', 'grade', 'clickstream', '--submission', 'labs/clickstream/solution/ts'], {
      cwd: repoRoot,
      env: { ...process.env, KAFKA_BROKERS: brokers.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));

    // Interrupt once a scenario has finished and the next one is running.
    const deadline = Date.now() + 60_000;
    while (!/✓ in-order/.test(stderr)) {
      if (Date.now() > deadline) throw new Error(`no scenario finished within 60 s:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const started = descendants(cli.pid ?? 0);
    const runId = started.map((pid) => envOf(pid, 'STREAMLAB_RUN_ID')).find((id) => id !== undefined);
    expect(runId, 'a submission is running').toBeDefined();
    cli.kill('SIGINT');

    expect(await exited).toBe(130);
    expect(stderr).toMatch(/SIGINT: stopping the submission/);
    expect(started.filter(alive)).toEqual([]);
    expect((await client.listTopics()).filter((t) => t.startsWith(`sl.${runId}.`))).toEqual([]);
  });
});
