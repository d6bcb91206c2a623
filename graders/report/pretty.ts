// The terminal rendering of a grade report: the verdict, one line per scenario, and for each
// failed one its checks, the diff rows with the input events behind them, the submission's stderr
// tail, the seed and the replay command. Colour only where the terminal supports it.
import pc from 'picocolors';
import type { CheckResult, DiffRow, GradeReport, ProvenanceEvent, ScenarioResult } from '../harness/report-schema.ts';
import { plainText } from './plain-text.ts';

export interface PrettyOptions {
  /** Default: whether stdout supports colour (a TTY without NO_COLOR, or FORCE_COLOR). */
  color?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Lines of submission stderr shown for a failed scenario. */
const STDERR_LINES = 20;
/** Longest expected/actual value shown before it is cut. */
const MAX_VALUE_CHARS = 160;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const indent = (text: string, by: string) => text.split('\n').map((line) => by + line).join('\n');

/** Epoch ms as UTC date and time, for reading event times next to the raw number. */
const utc = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : String(ms));

function compact(value: unknown): string {
  if (value === null || value === undefined) return '—';
  // Strings are record values already (a late event's JSON): shown as they are.
  const text = typeof value === 'string' && value !== '' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

export function renderPretty(report: GradeReport, options: PrettyOptions = {}): string {
  const c = pc.createColors(options.color ?? pc.isColorSupported);
  const verdictText = (verdict: GradeReport['verdict']) =>
    verdict === 'pass' ? c.green(c.bold('PASS')) : verdict === 'fail' ? c.red(c.bold('FAIL')) : c.yellow(c.bold('ERROR'));
  const failed = report.scenarios.filter((s) => s.verdict !== 'pass');
  const out: string[] = [];
  out.push(`${c.bold(report.lab)}: ${verdictText(report.verdict)}  ${c.dim(`seed ${report.seed} · ${plural(report.scenarios.length, 'scenario')} · ${seconds(report.durationMs)}`)}`);
  out.push(c.dim(`submission ${report.submission}`));
  if (report.error !== null) out.push(c.yellow(`error: ${report.error}`));
  out.push('');
  const width = Math.max(0, ...report.scenarios.map((s) => s.name.length));
  for (const scenario of report.scenarios) {
    out.push(scenarioLine(scenario, width, c));
    if (scenario.verdict !== 'pass') out.push(scenarioDetail(scenario, c), '');
  }
  const findings = [...new Set(failed.flatMap((s) => s.checks.filter((k) => !k.passed).map((k) => k.finding ?? k.name)))];
  const summary =
    report.verdict === 'pass'
      ? report.scenarios.length === 1
        ? 'the scenario passed'
        : `all ${report.scenarios.length} scenarios passed`
      : `${failed.length} of ${report.scenarios.length} scenarios did not pass${findings.length > 0 ? ` (${findings.join(', ')})` : ''}`;
  out.push(`${verdictText(report.verdict)} ${summary}`);
  out.push(c.dim(`replay: ${report.replay}`));
  return `${out.join('\n')}\n`;
}

function scenarioLine(s: ScenarioResult, width: number, c: Colors): string {
  const mark = s.verdict === 'pass' ? c.green('✓') : s.verdict === 'fail' ? c.red('✗') : c.yellow('!');
  const findings = s.checks.filter((k) => !k.passed).map((k) => k.finding ?? k.name);
  const tail = findings.length > 0 ? `  ${c.red(findings.join(', '))}` : '';
  return `${mark} ${s.name.padEnd(width)}  ${c.dim(`${seconds(s.durationMs)} · ${s.inputEvents} events in · ${s.outputRecords} records out`)}${tail}`;
}

function scenarioDetail(s: ScenarioResult, c: Colors): string {
  const lines: string[] = [c.dim(s.description)];
  if (s.error !== null) lines.push(c.yellow(`could not grade: ${s.error}`));
  for (const check of s.checks) lines.push(...checkLines(check, c));
  const stderr = plainText(s.submission?.stderrTail ?? '').trimEnd();
  if (stderr !== '') {
    const tail = stderr.split('\n').slice(-STDERR_LINES).join('\n');
    lines.push(c.dim(`submission stderr (last lines):`), indent(tail, c.dim('│ ')));
  }
  lines.push(c.dim(`seed ${s.seed} · replay: ${s.replay}`));
  return indent(lines.join('\n'), '    ');
}

function checkLines(check: CheckResult, c: Colors): string[] {
  const head = check.passed
    ? `${c.green('✓')} ${check.name} ${c.dim(`— ${check.message}`)}`
    : `${c.red('✗')} ${c.bold(check.name)}${check.finding ? ` ${c.red(`[${check.finding}]`)}` : ''} — ${check.message}`;
  return [head, ...check.diff.map((row) => indent(diffRowText(row, c), '    '))];
}

/** A check's diff as plain text (for JUnit failure bodies). */
export function diffText(check: CheckResult): string {
  const c = pc.createColors(false);
  return check.diff.map((row) => diffRowText(row, c)).join('\n');
}

function diffRowText(row: DiffRow, c: Colors): string {
  const lines = [
    `${c.red(row.status)} ${c.bold(row.key)}`,
    `  expected ${compact(row.expected)}`,
    `  actual   ${compact(row.actual)}`,
    `  ${row.detail}`,
  ];
  if (row.events.length > 0) lines.push(c.dim('  input events behind it:'), ...row.events.map((e) => `    ${eventText(e, c)}`));
  return lines.join('\n');
}

function eventText(e: ProvenanceEvent, c: Colors): string {
  const time = (label: string, ms: number | null) => (ms === null ? `${label} —` : `${label} ${ms} ${c.dim(`(${utc(ms)})`)}`);
  const classification = e.classification === 'on-time' ? e.classification : c.yellow(e.classification);
  return `${(e.eventId ?? '(no id)').padEnd(9)} ${`p${e.partition}@${e.offset}`.padEnd(8)} ${time('ts', e.ts)}  ${time('stream time', e.streamTimeAtArrival)}  ${classification}`;
}
