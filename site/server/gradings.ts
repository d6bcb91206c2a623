// Gradings started from the site: at most one per lab at a time, each abortable (the page went away,
// the server stops). Results go to the progress store.
import { gradeSubmission } from '../../graders/harness/grade.ts';
import type { GradeProgress, GradeReport } from '../../graders/harness/report-schema.ts';
import { recordGrade } from './progress-store.ts';

/** A grading of this lab is already running. */
export class GradingBusyError extends Error {
  override name = 'GradingBusyError';
}

interface Running {
  controller: AbortController;
  done: Promise<unknown>;
}

export class Gradings {
  /** Given to the grader; undefined lets it find (and restart, if a scenario asks) the managed broker. */
  private readonly brokers: string[] | undefined;
  private readonly running = new Map<string, Running>();
  private stopped = false;

  constructor(brokers: string[] | undefined) {
    this.brokers = brokers;
  }

  isRunning(lab: string): boolean {
    return this.running.has(lab);
  }

  /** Grades `submissionDir`, saves the report and progress; rejects if aborted through `signal`. */
  async run(lab: string, submissionDir: string, onProgress: (p: GradeProgress) => void, signal: AbortSignal): Promise<GradeReport> {
    if (this.stopped) throw new Error('the server is stopping');
    if (this.running.has(lab)) throw new GradingBusyError(`a grading of ${lab} is already running; wait for it to finish`);
    const controller = new AbortController();
    const grading = (async () => {
      const report = await gradeSubmission({ lab, submissionDir, brokers: this.brokers, onProgress, signal: AbortSignal.any([signal, controller.signal]) });
      await recordGrade(lab, report);
      return report;
    })();
    const entry: Running = { controller, done: grading.catch(() => undefined) };
    this.running.set(lab, entry);
    try {
      return await grading;
    } finally {
      this.running.delete(lab);
    }
  }

  /** Aborts every running grading, refuses new ones, and waits until each has stopped its submission. */
  async stopAll(reason: string): Promise<number> {
    this.stopped = true;
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort(new Error(reason));
    await Promise.all(all.map((r) => r.done));
    return all.length;
  }
}
