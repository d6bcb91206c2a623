// Wires the workspace panel of a lab page: terminal, Grade, tabs, dashboard, hints, solution, reset.
import type { GradeReport } from '../../graders/harness/report-schema.ts';
import { statusLabels, type LabState, type LabStatus, type SolutionFile } from '../shared/protocol.ts';
import { apiJson } from './session.ts';
import { byId, el } from './dom.ts';
import { mountTerminal } from './terminal.ts';
import { runGrading } from './grade.ts';
import { renderReport } from './report-view.ts';
import { openDashboard } from './dashboard.ts';
import { setUpHints } from './hints.ts';

export function startWorkspace(root: HTMLElement): void {
  const lab = root.dataset.lab ?? '';
  const q = `?lab=${encodeURIComponent(lab)}`;
  const gradeButton = byId<HTMLButtonElement>('grade-button');
  const resetButton = byId<HTMLButtonElement>('reset-button');
  const results = byId('results');
  const statusText = byId('terminal-status');
  const labStatus = byId('lab-status');

  const setStatus = (status: LabStatus) => {
    labStatus.dataset.status = status;
    labStatus.textContent = statusLabels[status];
  };

  const terminal = mountTerminal(byId('terminal'), lab, (text) => (statusText.textContent = text));

  const showTab = (id: string) => {
    for (const tab of root.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
      const selected = tab.dataset.tab === id;
      tab.setAttribute('aria-selected', String(selected));
      byId(`panel-${tab.dataset.tab}`).hidden = !selected;
    }
    if (id === 'dashboard') startDashboard();
  };
  for (const tab of root.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    tab.addEventListener('click', () => showTab(tab.dataset.tab ?? 'results'));
  }

  let dashboardStarted = false;
  const startDashboard = () => {
    if (dashboardStarted) return;
    dashboardStarted = true;
    const status = byId('dashboard-status');
    openDashboard(lab, byId<HTMLCanvasElement>('dashboard-chart'), status).catch((err: unknown) => {
      status.textContent = `Dashboard: ${err instanceof Error ? err.message : String(err)}`;
    });
  };

  const solutionButton = byId<HTMLButtonElement>('solution-button');
  const unlockSolution = () => {
    solutionButton.disabled = false;
    byId('solution-status').textContent = 'You passed: compare your pipeline with the reference solution.';
  };
  solutionButton.addEventListener('click', async () => {
    solutionButton.disabled = true;
    const target = byId('solution');
    try {
      const { files } = await apiJson<{ files: SolutionFile[] }>(`/api/solution${q}`);
      target.replaceChildren(...files.map((f) => el('div', { class: 'solution-file' }, el('h4', {}, f.path), el('pre', {}, el('code', {}, f.content)))));
      solutionButton.hidden = true;
    } catch (err) {
      target.replaceChildren(el('p', { class: 'meta' }, err instanceof Error ? err.message : String(err)));
      solutionButton.disabled = false;
    }
  });

  const showReport = (report: GradeReport) => {
    byId('results-empty').hidden = true;
    results.replaceChildren(renderReport(report));
  };

  gradeButton.addEventListener('click', async () => {
    gradeButton.disabled = true;
    gradeButton.textContent = 'Grading…';
    byId('results-empty').hidden = true;
    showTab('results');
    const report = await runGrading(lab, results);
    gradeButton.disabled = false;
    gradeButton.textContent = 'Grade';
    if (!report) return;
    if (report.verdict === 'pass') {
      setStatus('passed');
      unlockSolution();
    } else if (labStatus.dataset.status !== 'passed') setStatus('in-progress');
  });

  resetButton.addEventListener('click', async () => {
    const ok = confirm('Start again from the starter files? Your current workspace is moved to a backup folder, and the lab topics are recreated empty.');
    if (!ok) return;
    resetButton.disabled = true;
    try {
      const { backup } = await apiJson<{ backup: string | null }>(`/api/reset${q}`);
      terminal.reconnect();
      if (backup) terminal.term.writeln(`\x1b[2m[your previous files are in ${backup}]\x1b[0m`);
    } catch (err) {
      statusText.textContent = `Reset failed: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      resetButton.disabled = false;
    }
  });

  setUpHints(lab, byId('hints'), byId<HTMLButtonElement>('hint-button'));

  apiJson<LabState>(`/api/lab${q}`)
    .then((state) => {
      setStatus(state.progress?.status ?? 'not-started');
      if (state.progress?.status === 'passed') unlockSolution();
      if (state.report) showReport(state.report);
      if (state.grading) {
        gradeButton.disabled = true;
        results.prepend(el('p', { class: 'meta' }, 'A grading of this lab is running (started from another tab). Reload when it is done.'));
      }
    })
    .catch((err: unknown) => {
      statusText.textContent = err instanceof Error ? err.message : String(err);
    });
}
