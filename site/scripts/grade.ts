// The Grade button: POST /api/grade streams the grader's progress as newline-delimited JSON; the
// panel lists scenarios as they run and ends with the full report.
import type { GradeReport } from '../../graders/harness/report-schema.ts';
import type { GradeStreamEvent } from '../shared/protocol.ts';
import { callApi } from './session.ts';
import { el } from './dom.ts';
import { renderReport } from './report-view.ts';

/** Reads a newline-delimited JSON response body, one parsed value per line. */
async function* jsonLines<T>(response: Response): AsyncGenerator<T> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
}

/** Runs one grading and renders it into `target`; resolves with the report (null if it failed to run). */
export async function runGrading(lab: string, target: HTMLElement): Promise<GradeReport | null> {
  const list = el('ol', { class: 'progress-list' });
  const status = el('p', { class: 'meta' }, 'Starting the grader…');
  target.replaceChildren(status, list);
  const rows = new Map<string, { badge: HTMLElement; step: HTMLElement }>();
  try {
    const response = await callApi(`/api/grade?lab=${encodeURIComponent(lab)}`);
    for await (const event of jsonLines<GradeStreamEvent>(response)) {
      switch (event.type) {
        case 'start':
          status.textContent = `Grading with seed ${event.seed}: ${event.scenarios.length} scenarios`;
          for (const name of event.scenarios) {
            const badge = el('span', { class: 'badge' }, 'waiting');
            const step = el('span', { class: 'step' });
            rows.set(name, { badge, step });
            list.append(el('li', { 'data-scenario': name }, badge, el('strong', {}, name), step));
          }
          break;
        case 'scenario-start': {
          const row = rows.get(event.scenario);
          if (row) row.badge.textContent = 'running';
          status.textContent = `Scenario ${event.index + 1} of ${event.total}: ${event.scenario}`;
          break;
        }
        case 'step': {
          const row = rows.get(event.scenario);
          if (row) row.step.textContent = event.message;
          break;
        }
        case 'scenario-end': {
          const row = rows.get(event.scenario);
          if (row) {
            row.badge.textContent = event.result.verdict;
            row.badge.dataset.verdict = event.result.verdict;
            row.step.textContent = '';
          }
          break;
        }
        case 'end':
          target.replaceChildren(renderReport(event.report));
          return event.report;
        case 'error':
          status.textContent = `Grading failed: ${event.message}`;
          return null;
      }
    }
    status.textContent = 'The grading stream ended without a report (was the server stopped?).';
  } catch (err) {
    status.textContent = `Could not grade: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}
