// The learner's progress (.streamlab/progress.json) and the last grade report of each lab
// (.streamlab/results/<lab>.json). Writes are atomic (temp file + rename) and serialised, so two
// gradings finishing together cannot lose an update.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stateDir } from '../../graders/paths.ts';
import { gradeReport, type GradeReport } from '../../graders/harness/report-schema.ts';
import type { LabProgress, ProgressFile } from '../shared/protocol.ts';

const progressFile = path.join(stateDir, 'progress.json');
const resultsDir = path.join(stateDir, 'results');

async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${file} is not readable JSON (${(err as Error).message}); move it away to start afresh`);
  }
}

export async function readProgress(): Promise<ProgressFile> {
  const data = (await readJson(progressFile)) as ProgressFile | null;
  return data?.version === 1 && typeof data.labs === 'object' ? data : { version: 1, labs: {} };
}

let writes: Promise<unknown> = Promise.resolve();

/** Applies `change` to the lab's entry (read, change, write as one step). */
function updateLab(lab: string, change: (entry: LabProgress | undefined, now: string) => LabProgress): Promise<LabProgress> {
  const next = writes.then(async () => {
    const progress = await readProgress();
    const entry = change(progress.labs[lab], new Date().toISOString());
    // Opening a lab again changes nothing: skip the write every page load and terminal would make.
    if (entry === progress.labs[lab]) return entry;
    progress.labs[lab] = entry;
    await writeAtomically(progressFile, `${JSON.stringify(progress, null, 2)}\n`);
    return entry;
  });
  writes = next.catch(() => undefined);
  return next;
}

/** The learner opened the lab's workspace: "in progress" unless already further. */
export function markStarted(lab: string): Promise<LabProgress> {
  return updateLab(lab, (entry, now) => entry ?? { status: 'in-progress', attempts: 0, lastVerdict: null, startedAt: now, lastGradedAt: null, passedAt: null });
}

/** Records a grading; a pass is kept even if a later grading fails. Saves the report too. */
export async function recordGrade(lab: string, report: GradeReport): Promise<LabProgress> {
  await writeAtomically(path.join(resultsDir, `${lab}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return updateLab(lab, (entry, now) => {
    const passed = report.verdict === 'pass';
    return {
      status: passed || entry?.status === 'passed' ? 'passed' : 'in-progress',
      attempts: (entry?.attempts ?? 0) + 1,
      lastVerdict: report.verdict,
      startedAt: entry?.startedAt ?? now,
      lastGradedAt: now,
      passedAt: entry?.passedAt ?? (passed ? now : null),
    };
  });
}

/** The last report saved for the lab, or null (none yet, or written by an older schema). */
export async function readLastReport(lab: string): Promise<GradeReport | null> {
  const parsed = gradeReport.safeParse(await readJson(path.join(resultsDir, `${lab}.json`)));
  return parsed.success ? parsed.data : null;
}
