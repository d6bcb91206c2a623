// Runs a submission as a child process the grader owns (DESIGN.md §5). Each launch gets its own
// process group, so stopping it stops everything it spawned; every live group is killed when the
// grader exits, whatever the reason, so no submission outlives the grader.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { SubmissionOutcome } from './report-schema.ts';

/** What to run: a program and its arguments (no shell unless the program is one). */
export interface LaunchSpec {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** How the command is shown to the learner, e.g. `node main.ts`. */
  display: string;
}

export interface SupervisorOptions {
  /** Time a SIGTERMed submission gets to exit before SIGKILL. */
  graceMs?: number;
  /** Bytes of stdout and of stderr kept (the most recent). */
  tailBytes?: number;
  /** Lines of each stream shown in the outcome. */
  tailLines?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The grader asked for it (kill, restart, stop) rather than the submission ending by itself. */
  requested: boolean;
}

/** The most recent bytes of one output stream; older text is dropped so memory stays bounded. */
class BoundedText {
  private text = '';
  private readonly maxChars: number;
  constructor(maxChars: number) {
    this.maxChars = maxChars;
  }

  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
  }

  lastLines(n: number): string {
    const lines = this.text.replace(/\n$/, '').split('\n');
    return lines.slice(-n).join('\n');
  }
}

const live = new Set<Supervisor>();

// Last resort when the grader itself ends (crash, process.exit): signals cannot wait, so SIGKILL.
process.on('exit', () => {
  for (const s of live) s.killGroupNow('SIGKILL');
});

// Ctrl-C or a TERM to the grader: submissions run in their own process groups and so do not get
// the terminal's SIGINT; pass it on. When nobody else handles the signal, exit as Node would have.
const forwardSignal = (signal: NodeJS.Signals) => {
  for (const s of live) s.killGroupNow('SIGTERM');
  if (process.listenerCount(signal) === 1) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
};
const onSigint = () => forwardSignal('SIGINT');
const onSigterm = () => forwardSignal('SIGTERM');

function track(s: Supervisor): void {
  if (live.size === 0) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  live.add(s);
}

function untrack(s: Supervisor): void {
  if (!live.delete(s) || live.size > 0) return;
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
}

// Where no init process reaps orphans (some containers and micro-VMs), a dead descendant stays a
// zombie in its group forever and kill(-pgid, 0) keeps succeeding: look for a member that is not one.
function hasLivingMember(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One submission process (and its descendants), started, watched and stopped by the grader. */
export class Supervisor {
  readonly spec: LaunchSpec;
  private readonly graceMs: number;
  private readonly tailLines: number;
  private readonly stdout: BoundedText;
  private readonly stderr: BoundedText;
  private child: ChildProcess | undefined;
  private pgid: number | undefined;
  private exitPromise: Promise<ExitInfo> | undefined;
  private stopping = false;
  private launches = 0;
  /** The first exit the grader did not ask for; it is what the outcome reports. */
  private unexpected: ExitInfo | undefined;

  constructor(spec: LaunchSpec, options: SupervisorOptions = {}) {
    this.spec = spec;
    this.graceMs = options.graceMs ?? 5000;
    this.tailLines = options.tailLines ?? 40;
    this.stdout = new BoundedText(options.tailBytes ?? 64 * 1024);
    this.stderr = new BoundedText(options.tailBytes ?? 64 * 1024);
  }

  /** True from start until the process has exited. */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** Set once the submission ended without being asked to. */
  get unexpectedExit(): ExitInfo | undefined {
    return this.unexpected;
  }

  /** Process id of the current launch (also its process group id). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get restarts(): number {
    return Math.max(0, this.launches - 1);
  }

  start(): void {
    if (this.child) throw new Error(`${this.spec.display} is already running`);
    const child = spawn(this.spec.file, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      detached: true, // its own process group: a signal to -pid reaches every descendant
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.launches += 1;
    this.stopping = false;
    this.child = child;
    this.pgid = child.pid;
    track(this);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.stdout.append(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.append(chunk));
    this.exitPromise = new Promise<ExitInfo>((resolve) => {
      let settled = false;
      const finish = (info: ExitInfo) => {
        if (settled) return;
        settled = true;
        if (!info.requested) {
          this.unexpected ??= info;
          this.killGroupNow('SIGKILL'); // whatever it left behind is of no use now
        }
        this.child = undefined;
        untrack(this);
        resolve(info);
      };
      child.on('error', (err) => {
        this.stderr.append(`streamlab: could not start ${this.spec.display}: ${err.message}\n`);
        finish({ code: 127, signal: null, requested: false });
      });
      child.on('exit', (code, signal) => finish({ code, signal, requested: this.stopping }));
    });
  }

  /** Resolves when the current launch exits (immediately when not running). */
  async exited(): Promise<ExitInfo | undefined> {
    return this.child ? this.exitPromise : undefined;
  }

  /** Sends `signal` to the whole process group; SIGTERM escalates to SIGKILL after the grace
   *  period. Resolves when the group is gone (or only unkillable zombies remain). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (this.pgid === undefined) return;
    this.stopping = true;
    const exit = this.exitPromise;
    this.killGroupNow(signal);
    if (signal === 'SIGTERM' && !(await this.groupGoneWithin(this.graceMs))) this.killGroupNow('SIGKILL');
    await exit;
    await this.groupGoneWithin(1000);
    if (!this.child) this.pgid = undefined;
  }

  /** Stops (SIGTERM, then SIGKILL) and starts again with the same command and environment. */
  async restart(): Promise<void> {
    await this.stop('SIGTERM');
    this.start();
  }

  /** What the report says about the submission process. */
  outcome(): SubmissionOutcome {
    return {
      command: this.spec.display,
      exitCode: this.unexpected?.code ?? null,
      signal: this.unexpected?.signal ?? null,
      restarts: this.restarts,
      stdoutTail: this.stdout.lastLines(this.tailLines),
      stderrTail: this.stderr.lastLines(this.tailLines),
    };
  }

  /** Signals the process group without waiting; a group that is already gone is fine. */
  killGroupNow(signal: NodeJS.Signals): void {
    if (this.pgid === undefined) return;
    try {
      process.kill(-this.pgid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  private groupAlive(): boolean {
    if (this.pgid === undefined) return false;
    try {
      process.kill(-this.pgid, 0);
    } catch {
      return false;
    }
    return process.platform !== 'linux' || hasLivingMember(this.pgid);
  }

  private async groupGoneWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.groupAlive()) {
      if (Date.now() >= deadline) return false;
      await delay(25);
    }
    return true;
  }
}
