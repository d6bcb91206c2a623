// Determinism check: every reference solution of a lab passes every scenario on N seeds in a row.
// `node graders/bench/seeds.ts [--lab clickstream] [--seeds 20] [--solution ts]` prints a pass
// count per scenario and solution, and exits 1 when any run did not pass. Takes minutes.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBroker } from '../broker/index.ts';
import { gradeSubmission } from '../harness/grade.ts';
import { labsDir } from '../paths.ts';
import { positiveInteger } from './stats.ts';

const { values: flags } = parseArgs({
  options: {
    lab: { type: 'string', default: 'clickstream' },
    seeds: { type: 'string', default: '20' },
    solution: { type: 'string', multiple: true },
  },
});
const seeds = positiveInteger('seeds', flags.seeds);
const solutionsDir = path.join(labsDir, flags.lab, 'solution');
const solutions = flags.solution ?? readdirSync(solutionsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

const { brokers } = await startBroker({ onProgress: (m) => process.stderr.write(`${m}\n`) });
// passes[solution][scenario] = seeds passed; failures list what to replay.
const passes = new Map<string, Map<string, number>>();
const failures: string[] = [];
const started = Date.now();
for (const solution of solutions) {
  const counts = new Map<string, number>();
  passes.set(solution, counts);
  for (let seed = 1; seed <= seeds; seed++) {
    const report = await gradeSubmission({ lab: flags.lab, submissionDir: path.join(solutionsDir, solution), seed, brokers });
    if (report.error !== null) failures.push(`${solution} seed ${seed}: ${report.error}`);
    for (const s of report.scenarios) {
      counts.set(s.name, (counts.get(s.name) ?? 0) + (s.verdict === 'pass' ? 1 : 0));
      if (s.verdict !== 'pass') {
        const why = s.error ?? s.checks.filter((c) => !c.passed).map((c) => c.finding ?? c.name).join(', ');
        failures.push(`${solution} ${s.name} (${s.verdict}: ${why}): ${s.replay}`);
      }
    }
    process.stderr.write(`${solution} seed ${seed}/${seeds}: ${report.verdict} in ${(report.durationMs / 1000).toFixed(1)} s\n`);
  }
}

const scenarios = [...new Set([...passes.values()].flatMap((counts) => [...counts.keys()]))];
const width = Math.max(8, ...scenarios.map((s) => s.length));
console.log(`\n${flags.lab}: passes out of ${seeds} seeds (${((Date.now() - started) / 60_000).toFixed(1)} min)`);
console.log(`${'scenario'.padEnd(width)}  ${solutions.map((s) => s.padStart(8)).join('  ')}`);
for (const scenario of scenarios) console.log(`${scenario.padEnd(width)}  ${solutions.map((s) => `${passes.get(s)?.get(scenario) ?? 0}/${seeds}`.padStart(8)).join('  ')}`);
if (failures.length > 0) console.log(`\nnot passed:\n  ${failures.join('\n  ')}`);
process.exitCode = failures.length === 0 ? 0 : 1;
