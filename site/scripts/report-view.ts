// Renders a grade report (graders/harness/report-schema.ts) as the Results panel: verdict, each
// scenario with its checks, diff tables with the input events behind each bad row, the submission's
// output when it failed, and the replay command.
import type { CheckResult, DiffRow, GradeReport, ProvenanceEvent, ScenarioResult } from '../../graders/harness/report-schema.ts';
import { el, formatDuration, formatTime } from './dom.ts';

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
      el('thead', {}, el('tr', {}, ...['Status', 'Key', 'Expected', 'Actual', 'Why'].map((h) => el('th', {}, h)))),
      el(
        'tbody',
        {},
        ...rows.map((row) =>
          el(
            'tr',
            { 'data-status': row.status },
            el('td', { class: 'status-cell' }, row.status),
            el('td', { class: 'mono' }, row.key),
            el('td', { class: 'mono' }, formatValue(row.expected)),
            el('td', { class: 'mono' }, formatValue(row.actual)),
            el('td', {}, row.detail, row.events.length > 0 && el('ul', { class: 'events' }, ...row.events.map((e) => el('li', {}, describeEvent(e))))),
          ),
        ),
      ),
    ),
  );
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

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describeEvent(event: ProvenanceEvent): string {
  const parts = [
    event.eventId ?? '(no id)',
    `p${event.partition}@${event.offset}`,
    event.ts === null ? 'no ts' : `ts ${formatTime(event.ts)}`,
    event.streamTimeAtArrival === null ? null : `stream time ${formatTime(event.streamTimeAtArrival)}`,
    event.classification,
  ];
  return parts.filter(Boolean).join(' · ');
}
