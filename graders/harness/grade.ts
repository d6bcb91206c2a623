// Grading one submission: the API behind `streamlab grade`, `check-labs` and the site's Grade
// button. Scenarios run one after another; each has its own topics, group and Kafka client, so
// they never see each other's data.
import path from 'node:path';
import { connectKafka } from '../kafka/client.ts';
import type { LabDefinition } from './lab-definition.ts';
import { loadLab } from './labs.ts';
import { isMutantDir, materializeMutant } from './mutant.ts';
import type { MaterializedMutant } from './mutant.ts';
import type { GradeProgress, GradeReport, ScenarioResult } from './report-schema.ts';
import { newRunId } from './scenario-plan.ts';
import { ScenarioRun } from './scenario-runner.ts';
import type { RunnerTiming } from './scenario-runner.ts';
import { commandFor, GradeInputError, resolveEntryPoint } from './submission.ts';

/** The seed when none is given, so the same command gives the same verdict. */
export const DEFAULT_SEED = 1;

export interface GradeOptions {
  lab: string;
  submissionDir: string;
  cmd?: string;
  seed?: number;
  scenarios?: string[];
  /** Default: the broker `startBroker()` finds or starts. */
  brokers?: string[];
  /** `step` events before the first scenario (broker, Python environment) carry scenario ''. */
  onProgress?: (p: GradeProgress) => void;
  /** Aborting stops the submission, deletes the run's topics and rejects with the reason. */
  signal?: AbortSignal;
  /** Runner time limits; tests shorten them. */
  timing?: Partial<RunnerTiming>;
  /** Stop after the first scenario for which this holds (the report then lists the scenarios
   *  run so far); check-labs uses it to stop once a mutant showed its finding. */
  stopWhen?: (result: ScenarioResult) => boolean;
}

/** A scenario's seed: a stable function of the run's seed and the scenario's name, so
 *  `--seed N --scenario X` replays exactly what the full run did for X. */
export function scenarioSeed(seed: number, scenario: string): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (const ch of `${seed}/${scenario}`) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
}

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** The one-line command that reruns a grade, optionally of one scenario. */
export function replayCommand(lab: string, submission: string, seed: number, cmd: string | undefined, scenario?: string): string {
  const parts = ['npx streamlab grade', lab, '--submission', shellQuote(submission), '--seed', String(seed)];
  if (cmd !== undefined) parts.push('--cmd', shellQuote(cmd));
  if (scenario !== undefined) parts.push('--scenario', shellQuote(scenario));
  return parts.join(' ');
}

/** Grades a submission for the lab named `options.lab` (labs/<lab>/grader.ts). */
export async function gradeSubmission(options: GradeOptions): Promise<GradeReport> {
  let lab: LabDefinition;
  try {
    lab = await loadLab(options.lab);
  } catch (err) {
    return finishReport(options, options.lab, new Date(), [], (err as Error).message);
  }
  return gradeLab(lab, options);
}

/** The report of a grade, announced as its `end` event; `error` says why it stopped early (the
 *  scenarios then are those run so far). */
function finishReport(options: GradeOptions, lab: string, startedAt: Date, scenarios: ScenarioResult[], error: string | null = null): GradeReport {
  const seed = options.seed ?? DEFAULT_SEED;
  const submission = displayPath(options.submissionDir);
  const asked = [...new Set(options.scenarios)];
  const verdict = error !== null || scenarios.some((r) => r.verdict === 'error') ? 'error' : scenarios.every((r) => r.verdict === 'pass') ? 'pass' : 'fail';
  const report: GradeReport = {
    schemaVersion: 1,
    lab,
    verdict,
    seed,
    submission,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    scenarios,
    error,
    replay: replayCommand(lab, submission, seed, options.cmd, asked.length === 1 ? asked[0] : undefined),
  };
  options.onProgress?.({ type: 'end', report });
  return report;
}

// Paths under the current directory are shown relative to it, so replay commands stay short.
function displayPath(dir: string): string {
  const relative = path.relative(process.cwd(), path.resolve(dir));
  return relative === '' ? '.' : relative.startsWith('..') ? path.resolve(dir) : relative;
}

interface BrokerAccess {
  brokers: string[];
  /** Only for a broker streamlab manages. */
  restartBroker?: () => Promise<void>;
}

async function brokerFor(options: GradeOptions, onProgress: (message: string) => void): Promise<BrokerAccess> {
  if (options.brokers !== undefined) return { brokers: options.brokers };
  // Loaded only here: grading against given brokers never touches the broker providers.
  const broker = await import('../broker/index.ts');
  const info = await broker.startBroker({ onProgress });
  if (!info.reused) onProgress(`started a ${info.provider} broker at ${info.brokers.join(',')}; it keeps running for the next grade (stop it with \`streamlab broker stop\`)`);
  return { brokers: info.brokers, restartBroker: async () => void (await broker.restartBroker()) };
}

async function checkBroker(brokers: string[]): Promise<void> {
  const client = connectKafka(brokers, { clientId: 'streamlab-grader', retries: 1 });
  try {
    await client.ping();
  } catch (err) {
    throw new GradeInputError(`the broker at ${brokers.join(',')} is unavailable: ${(err as Error).message}`);
  } finally {
    await client.close();
  }
}

/** Runs the scenarios one after another, overlapping what does not interfere: the next
 *  scenario's topics and submission start up while the current one waits for its last output,
 *  and a finished scenario cleans up while the next one runs. Each keeps its own topics, group
 *  and process. Every run is cleaned up before this returns, whatever happens. */
async function runPipelined(runs: ScenarioRun[], options: GradeOptions, results: ScenarioResult[]): Promise<void> {
  try {
    for (const [index, run] of runs.entries()) {
      options.signal?.throwIfAborted();
      const name = run.scenario.name;
      options.onProgress?.({ type: 'scenario-start', scenario: name, index, total: runs.length });
      const prepareNext = () => void runs[index + 1]?.prepare();
      const result = await run.run(prepareNext);
      prepareNext();
      void run.cleanUp();
      results.push(result);
      options.onProgress?.({ type: 'scenario-end', scenario: name, result });
      if (options.stopWhen?.(result)) return;
    }
  } finally {
    await Promise.allSettled(runs.map((run) => run.cleanUp()));
  }
}

/** Grades a submission against an already loaded lab definition. */
export async function gradeLab(lab: LabDefinition, options: GradeOptions): Promise<GradeReport> {
  const startedAt = new Date();
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) return finishReport(options, lab.slug, startedAt, [], `--seed must be a non-negative integer, got ${seed}`);
  const known = lab.scenarios.map((s) => s.name);
  const unknown = (options.scenarios ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0) return finishReport(options, lab.slug, startedAt, [], `unknown scenario ${unknown.join(', ')}; ${lab.slug} has ${known.join(', ')}`);
  const selected = options.scenarios?.length ? lab.scenarios.filter((s) => options.scenarios?.includes(s.name)) : lab.scenarios;

  const submission = displayPath(options.submissionDir);
  const setupStep = (message: string) => options.onProgress?.({ type: 'step', scenario: '', message });
  options.onProgress?.({ type: 'start', lab: lab.slug, scenarios: selected.map((s) => s.name), seed });

  const results: ScenarioResult[] = [];
  let mutant: MaterializedMutant | undefined;
  try {
    let runDir = path.resolve(options.submissionDir);
    if (await isMutantDir(runDir)) {
      mutant = await materializeMutant(runDir);
      runDir = mutant.dir;
    }
    const entry = await resolveEntryPoint(runDir, options.cmd);
    const { brokers, restartBroker } = await brokerFor(options, setupStep);
    await checkBroker(brokers);
    const command = await commandFor(entry, runDir, setupStep, options.signal);
    const runId = newRunId();
    const runs = selected.map(
      (scenario) =>
        new ScenarioRun(
          {
            lab,
            brokers,
            runId,
            submissionDir: runDir,
            command,
            restartBroker,
            replay: (name) => replayCommand(lab.slug, submission, seed, options.cmd, name),
            onStep: (message) => options.onProgress?.({ type: 'step', scenario: scenario.name, message }),
            signal: options.signal,
            timing: options.timing,
          },
          scenario,
          scenarioSeed(seed, scenario.name),
        ),
    );
    await runPipelined(runs, options, results);
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    return finishReport(options, lab.slug, startedAt, results, (err as Error).message);
  } finally {
    await mutant?.remove();
  }

  return finishReport(options, lab.slug, startedAt, results);
}
