// Live grading progress on stderr: on a terminal, a spinner line per scenario with its elapsed
// time and current step, replaced by a result line when it ends; elsewhere (CI logs, pipes) plain
// lines only, with no escape codes.
import pc from 'picocolors';
import type { GradeProgress } from '../harness/report-schema.ts';

export interface ProgressDisplay {
  handle(event: GradeProgress): void;
  /** Stops the spinner (call on every exit path). */
  close(): void;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function progressDisplay(stream: NodeJS.WriteStream = process.stderr, prefix = ''): ProgressDisplay {
  const live = stream.isTTY === true;
  const c = pc.createColors(live);
  let current: { name: string; position: string; startedAt: number; step: string } | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const draw = () => {
    if (!current) return;
    const status = `${current.position}  ${seconds(Date.now() - current.startedAt)}  `;
    // One screen line, or the next redraw would leave the overflow behind.
    const room = (stream.columns ?? 80) - 4 - prefix.length - current.name.length - status.length;
    const step = current.step.length <= room ? current.step : `${current.step.slice(0, Math.max(0, room - 1))}…`;
    stream.write(`\r\x1b[2K${c.cyan(frames[frame++ % frames.length] ?? '')} ${prefix}${current.name} ${c.dim(status + step)}`);
  };
  const clearLine = () => {
    if (live) stream.write('\r\x1b[2K');
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  return {
    handle(event) {
      switch (event.type) {
        case 'start':
          stream.write(`${prefix}${c.bold(event.lab)}: ${event.scenarios.length} scenario${event.scenarios.length === 1 ? '' : 's'}, seed ${event.seed}\n`);
          return;
        case 'scenario-start':
          current = { name: event.scenario, position: `${event.index + 1}/${event.total}`, startedAt: Date.now(), step: '' };
          if (live) {
            draw();
            timer ??= setInterval(draw, 100);
            timer.unref();
          }
          return;
        case 'step':
          if (event.scenario === '') {
            clearLine();
            stream.write(`${prefix}${c.dim(event.message)}\n`);
          } else if (current?.name === event.scenario) {
            current.step = event.message;
          }
          return;
        case 'scenario-end': {
          stopTimer();
          clearLine();
          const { result } = event;
          const mark = result.verdict === 'pass' ? c.green('✓') : result.verdict === 'fail' ? c.red('✗') : c.yellow('!');
          const findings = [...new Set(result.checks.filter((check) => !check.passed).map((check) => check.finding ?? check.name))];
          const detail = result.verdict === 'error' ? (result.error ?? '') : findings.join(', ');
          stream.write(`${mark} ${prefix}${result.name} ${c.dim(seconds(result.durationMs))}${detail ? `  ${detail}` : ''}\n`);
          current = undefined;
          return;
        }
        case 'end':
          stopTimer();
          clearLine();
          return;
      }
    },
    close() {
      stopTimer();
      clearLine();
    },
  };
}
