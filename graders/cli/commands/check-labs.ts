// `streamlab check-labs [lab…]`: the authoring check. Every lab is complete, its frontmatter is
// valid, each solution passes every scenario, and the starter and each mutant fail with the
// finding they are meant to teach. Exit 0 when all of that holds, 1 otherwise.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { gradeSubmission } from '../../harness/grade.ts';
import { labSlugs, loadLab } from '../../harness/labs.ts';
import { readLabFrontmatter } from '../../harness/lab-frontmatter.ts';
import { readMutantManifest } from '../../harness/mutant.ts';
import type { GradeReport, ScenarioResult } from '../../harness/report-schema.ts';
import { labsDir } from '../../paths.ts';
import { withInterrupt } from '../interrupt.ts';
import { progressDisplay } from '../progress.ts';

interface Row {
  lab: string;
  item: string;
  expected: string;
  actual: string;
  ok: boolean;
}

/** What one grading must show. */
interface Expectation {
  item: string;
  dir: string;
  /** undefined: must pass; otherwise must fail with this finding among its findings. */
  finding?: string;
}

const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;
const isFile = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;
const subdirs = async (p: string) => ((await readdir(p, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name)).sort();

const failedFindings = (result: ScenarioResult) => result.checks.filter((c) => !c.passed).map((c) => c.finding ?? c.name);
const findingsOf = (report: GradeReport) => [...new Set(report.scenarios.flatMap(failedFindings))];

async function missingFiles(labDir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const file of ['guide.mdx', 'grader.ts']) if (!(await isFile(path.join(labDir, file)))) missing.push(file);
  for (const dir of ['starter', 'mutants']) if (!(await isDir(path.join(labDir, dir)))) missing.push(`${dir}/`);
  if ((await subdirs(path.join(labDir, 'solution'))).length === 0) missing.push('solution/<lang>/');
  return missing;
}

async function expectations(slug: string, labDir: string, starterFinding: string, rows: Row[]): Promise<Expectation[]> {
  const list: Expectation[] = (await subdirs(path.join(labDir, 'solution'))).map((lang) => ({ item: `solution/${lang}`, dir: path.join(labDir, 'solution', lang) }));
  list.push({ item: 'starter', dir: path.join(labDir, 'starter'), finding: starterFinding });
  for (const name of await subdirs(path.join(labDir, 'mutants'))) {
    const dir = path.join(labDir, 'mutants', name);
    try {
      list.push({ item: `mutants/${name}`, dir, finding: (await readMutantManifest(dir)).finding });
    } catch (err) {
      rows.push({ lab: slug, item: `mutants/${name}`, expected: 'valid mutant.json', actual: (err as Error).message, ok: false });
    }
  }
  return list;
}

function judgeGrade(slug: string, expectation: Expectation, report: GradeReport): Row {
  const findings = findingsOf(report);
  const actual = report.verdict === 'error' ? `error: ${report.error ?? report.scenarios.find((s) => s.error)?.error ?? ''}` : report.verdict === 'pass' ? 'pass' : `fail: ${findings.join(', ')}`;
  if (expectation.finding === undefined) return { lab: slug, item: expectation.item, expected: 'pass', actual, ok: report.verdict === 'pass' };
  const ok = report.verdict === 'fail' && findings.includes(expectation.finding);
  return { lab: slug, item: expectation.item, expected: `fail: ${expectation.finding}`, actual, ok };
}

async function checkLab(slug: string, signal: AbortSignal): Promise<Row[]> {
  const labDir = path.join(labsDir, slug);
  const rows: Row[] = [];
  const missing = await missingFiles(labDir);
  rows.push({ lab: slug, item: 'files', expected: 'complete', actual: missing.length ? `missing ${missing.join(', ')}` : 'complete', ok: missing.length === 0 });
  try {
    await readLabFrontmatter(path.join(labDir, 'guide.mdx'));
    rows.push({ lab: slug, item: 'guide.mdx', expected: 'valid frontmatter', actual: 'valid', ok: true });
  } catch (err) {
    rows.push({ lab: slug, item: 'guide.mdx', expected: 'valid frontmatter', actual: (err as Error).message, ok: false });
  }
  let starterFinding: string;
  try {
    starterFinding = (await loadLab(slug)).starterFinding;
  } catch (err) {
    rows.push({ lab: slug, item: 'grader.ts', expected: 'loads', actual: (err as Error).message, ok: false });
    return rows;
  }
  for (const expectation of await expectations(slug, labDir, starterFinding, rows)) {
    if (!(await isDir(expectation.dir))) continue; // reported under files
    process.stderr.write(`\n${pc.bold(`${slug}/${expectation.item}`)} (expect ${expectation.finding ? `fail: ${expectation.finding}` : 'pass'})\n`);
    const display = progressDisplay(process.stderr, '  ');
    try {
      const { finding } = expectation;
      const report = await gradeSubmission({
        lab: slug,
        submissionDir: expectation.dir,
        signal,
        onProgress: (e) => display.handle(e),
        // A starter or mutant has made its point once its finding shows up.
        stopWhen: finding === undefined ? undefined : (result) => failedFindings(result).includes(finding),
      });
      rows.push(judgeGrade(slug, expectation, report));
    } finally {
      display.close();
    }
  }
  return rows;
}

function printTable(rows: Row[]): void {
  const c = pc.createColors(process.stdout.isTTY === true);
  const headers = ['lab', 'item', 'expected', 'actual'] as const;
  const cell = (row: Row, h: (typeof headers)[number]) => (h === 'actual' ? row.actual.split('\n')[0] ?? '' : row[h]);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => cell(r, h).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`\n   ${c.bold(line([...headers]))}\n`);
  for (const row of rows) process.stdout.write(`${row.ok ? c.green('✓') : c.red('✗')}  ${line(headers.map((h) => cell(row, h)))}\n`);
  const bad = rows.filter((r) => !r.ok).length;
  process.stdout.write(`\n${bad === 0 ? c.green(`all ${rows.length} checks hold`) : c.red(`${bad} of ${rows.length} checks failed`)}\n`);
}

export function register(program: Command): void {
  program
    .command('check-labs')
    .description('authoring check: each lab is complete, its solutions pass, its starter and mutants fail with their findings')
    .argument('[labs...]', 'labs to check (default: all)')
    .action(async (requested: string[]) => {
      const known = await labSlugs();
      const unknown = requested.filter((slug) => !known.includes(slug));
      if (unknown.length > 0) {
        process.stderr.write(`streamlab check-labs: unknown lab ${unknown.join(', ')}; known labs: ${known.join(', ') || 'none'}\n`);
        process.exitCode = 2;
        return;
      }
      const rows: Row[] = [];
      const finished = await withInterrupt(async (signal) => {
        for (const slug of requested.length > 0 ? requested : known) rows.push(...(await checkLab(slug, signal)));
        return true;
      });
      if (!finished) {
        process.exitCode = 130;
        return;
      }
      printTable(rows);
      process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
    });
}
