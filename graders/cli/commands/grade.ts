// `streamlab grade <lab>`: grades one submission and prints the report. Exit 0 pass, 1 fail,
// 2 could not grade, 130 interrupted (after the submission is stopped and the topics deleted).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_SEED, gradeSubmission } from '../../harness/grade.ts';
import { labSlugs } from '../../harness/labs.ts';
import type { GradeReport } from '../../harness/report-schema.ts';
import { renderJson, renderJunit, renderPretty } from '../../report/index.ts';
import { stateDir } from '../../paths.ts';
import { withInterrupt } from '../interrupt.ts';
import { progressDisplay } from '../progress.ts';

const reporters = ['pretty', 'json', 'junit'] as const;
type ReporterName = (typeof reporters)[number];

interface GradeFlags {
  submission?: string;
  cmd?: string;
  seed: number;
  scenario?: string[];
  reporter: ReporterName;
  out?: string;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) throw new InvalidArgumentError('Expected a non-negative integer.');
  return seed;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The learner's workspace for a lab, created by the site (DESIGN.md §8). */
const workspaceDir = (lab: string) => path.join(stateDir, 'workspaces', lab);

const renderers: Record<ReporterName, (report: GradeReport) => string> = { pretty: renderPretty, json: renderJson, junit: renderJunit };

const exitCodeOf = (report: GradeReport) => (report.verdict === 'pass' ? 0 : report.verdict === 'fail' ? 1 : 2);

async function grade(lab: string, flags: GradeFlags): Promise<number> {
  const known = await labSlugs();
  if (!known.includes(lab)) {
    process.stderr.write(`streamlab grade: unknown lab '${lab}'; known labs: ${known.join(', ') || 'none'}\n`);
    return 2;
  }
  const submissionDir = flags.submission ?? workspaceDir(lab);
  if (flags.submission === undefined && !existsSync(submissionDir)) {
    process.stderr.write(
      `streamlab grade: no submission given and no workspace at ${submissionDir}.\n` +
        `Pass --submission DIR (for example labs/${lab}/solution/ts), or open the lab in the site (npm start) to create the workspace.\n`,
    );
    return 2;
  }
  const display = progressDisplay(process.stderr);
  const report = await withInterrupt((signal) =>
    gradeSubmission({
      lab,
      submissionDir,
      cmd: flags.cmd,
      seed: flags.seed,
      scenarios: flags.scenario,
      onProgress: (event) => display.handle(event),
      signal,
    }),
  ).finally(() => display.close());
  if (report === undefined) return 130;
  if (report.error !== null) process.stderr.write(`streamlab grade: ${report.error}\n`);
  const text = renderers[flags.reporter](report);
  if (flags.out) {
    await writeFile(flags.out, text.endsWith('\n') ? text : `${text}\n`);
    process.stderr.write(`wrote ${flags.out}\n`);
  } else {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return exitCodeOf(report);
}

export function register(program: Command): void {
  program
    .command('grade')
    .description('grade a submission: drive seeded events through it on a real broker and check its output')
    .argument('<lab>', 'lab slug (see `streamlab labs`)')
    .option('--submission <dir>', 'the submission folder (default: your workspace, .streamlab/workspaces/<lab>)')
    .option('--cmd <command>', 'command that starts the submission (default: its package.json start script, main.ts or main.py)')
    .option('--seed <n>', 'seed of the test data; the same seed gives the same verdict', parseSeed, DEFAULT_SEED)
    .option('--scenario <name>', 'run only this scenario (repeatable)', collect)
    .addOption(new Option('--reporter <name>', 'report format').choices(reporters).default('pretty'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .action(async (lab: string, flags: GradeFlags) => {
      process.exitCode = await grade(lab, flags);
    });
}
