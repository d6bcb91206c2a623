// Renders a grade report (graders/harness/report-schema.ts) as the Results panel: verdict, each
// scenario with its checks, diff tables with the input events behind each bad row, the submission's
// output when it failed, and the replay command.
import type { CheckResult, DiffRow, GradeReport, ProvenanceEvent, ScenarioResult } from '../../graders/harness/report-schema.ts';
import { el, formatDuration } from './dom.ts';

const verdictLabel = { pass: 'Passed', fail: 'Failed', error: 'Could not grade' } as const;

export function renderReport(report: GradeReport): HTMLElement {
  const passed = report.scenarios.filter((s) => s.verdict === 'pass').length;
  return el(
    'div',
    { class: 'report', 'data-verdict': report.verdict },
    el(
      'div',
      { class: 'verdict', 'data-verdict': report.verdict },
      el('span', {}, verdictLabel[report.verdict]),
      el('span', { class: 'meta' }, `${passed} of ${report.scenarios.length} scenarios passed · seed ${report.seed} · ${formatDuration(report.durationMs)}`),
    ),
    report.error && el('pre', { class: 'tail' }, report.error),
    ...report.scenarios.map(renderScenario),
    el('p', { class: 'meta' }, 'Replay from a terminal: ', el('code', { class: 'replay' }, report.replay)),
  );
}

function renderScenario(scenario: ScenarioResult): HTMLElement {
  const details = el(
    'details',
    { class: 'scenario', 'data-scenario': scenario.name },
    el(
      'summary',
      {},
      el('span', { class: 'badge', 'data-verdict': scenario.verdict }, scenario.verdict),
      el('strong', {}, scenario.name),
      el('span', { class: 'meta' }, `${scenario.inputEvents} in · ${scenario.outputRecords} out · ${formatDuration(scenario.durationMs)}`),
    ),
    el(
      'div',
      { class: 'scenario-body' },
      el('p', { class: 'meta' }, scenario.description),
      scenario.error && el('pre', { class: 'tail' }, scenario.error),
      ...scenario.checks.map(renderCheck),
      scenario.verdict !== 'pass' && renderSubmissionOutput(scenario),
      el('p', { class: 'meta' }, 'Replay: ', el('code', { class: 'replay' }, scenario.replay)),
    ),
  );
  details.open = scenario.verdict !== 'pass';
  return details;
}

function renderCheck(check: CheckResult): HTMLElement {
  return el(
    'div',
    { class: 'check', 'data-check': check.name, 'data-passed': String(check.passed) },
    el(
      'div',
      { class: 'check-head' },
      el('span', { class: check.passed ? 'mark-pass' : 'mark-fail', 'aria-label': check.passed ? 'passed' : 'failed' }, check.passed ? '✓' : '✗'),
      el('span', {}, check.name),
      check.finding && el('span', { class: 'finding' }, check.finding),
    ),
    check.message && el('p', { class: 'check-message' }, check.message),
    check.diff.length > 0 && renderDiff(check.diff),
  );
}

function renderDiff(rows: DiffRow[]): HTMLElement {
  return el(
    'div',
    { class: 'diff-wrap' },
    el(
      'table',
      { class: 'diff' },
      el('thead', {}, el('tr', {}, ...['Status', 'Key', 'Expected', 'Actual'].map((h) => el('th', {}, h)))),
      ...rows.map((row) => {
        const [expected, actual] = comparable(row.expected, row.actual);
        return el(
          'tbody',
          { 'data-status': row.status },
          el(
            'tr',
            {},
            el('td', { class: 'status-cell' }, row.status),
            el('td', { class: 'mono' }, row.key),
            el('td', { class: 'value' }, ...expected),
            el('td', { class: 'value' }, ...actual),
          ),
          el(
            'tr',
            { class: 'why' },
            el('td', { colspan: '4' }, row.detail, row.events.length > 0 && el('ul', { class: 'events' }, ...row.events.map((e) => el('li', {}, describeEvent(e))))),
          ),
        );
      }),
    ),
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Expected and actual values as lines. An array (every version written, for a DUPLICATE) gives
 *  one line per item. When both sides are objects, only the fields that differ are shown: the
 *  rest repeats the key. */
function comparable(expected: unknown, actual: unknown): [HTMLElement[], HTMLElement[]] {
  const left = expected === null || expected === undefined ? [] : Array.isArray(expected) ? expected : [expected];
  const right = actual === null || actual === undefined ? [] : Array.isArray(actual) ? actual : [actual];
  const all = [...left, ...right];
  let fields: string[] | null = null;
  if (all.length > 1 && all.every(isRecord)) {
    const names = [...new Set(all.flatMap((v) => Object.keys(v)))];
    const differing = names.filter((name) => new Set(all.map((v) => JSON.stringify(v[name]))).size > 1);
    if (differing.length > 0) fields = differing;
  }
  const line = (value: unknown) => {
    if (fields && isRecord(value)) return el('div', {}, fields.map((f) => `${f}: ${JSON.stringify(value[f])}`).join(', '));
    return el('div', {}, typeof value === 'string' ? value : JSON.stringify(value));
  };
  const none = () => [el('span', { class: 'meta' }, '—')];
  return [left.length ? left.map(line) : none(), right.length ? right.map(line) : none()];
}

function renderSubmissionOutput(scenario: ScenarioResult): HTMLElement | null {
  const submission = scenario.submission;
  if (!submission) return null;
  const ended = submission.exitCode !== null ? `exited with code ${submission.exitCode}` : submission.signal ? `ended by ${submission.signal}` : null;
  const output = [submission.stderrTail && `stderr:\n${submission.stderrTail}`, submission.stdoutTail && `stdout:\n${submission.stdoutTail}`]
    .filter(Boolean)
    .join('\n\n');
  if (!ended && !output) return null;
  return el(
    'details',
    {},
    el('summary', { class: 'meta' }, `Your pipeline (${submission.command})${ended ? `, ${ended}` : ''}${submission.restarts ? `, restarted ${submission.restarts}×` : ''}`),
    output && el('pre', { class: 'tail' }, output),
  );
}

function describeEvent(event: ProvenanceEvent): string {
  const parts = [
    event.eventId ?? '(no id)',
    `p${event.partition}@${event.offset}`,
    // Raw milliseconds, as in the output keys and the guide.
    event.ts === null ? 'no ts' : `ts ${event.ts}`,
    event.streamTimeAtArrival === null ? null : `stream time ${event.streamTimeAtArrival}`,
    event.classification,
  ];
  return parts.filter(Boolean).join(' · ');
}
