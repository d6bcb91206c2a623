// Finding and stopping a process we started earlier, possibly from another streamlab process. A
// pid alone can be reused by an unrelated process, so a process counts as ours only while its
// command line still contains a marker we put there (e.g. the path of its config file).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { BrokerError } from './errors.ts';
import { waitUntil } from './wait-until.ts';

const hasProcFs = fs.existsSync('/proc/self/cmdline');

/** The command line of a live process; undefined when it is gone or a zombie. */
function commandLine(pid: number): string | undefined {
  if (hasProcFs) {
    try {
      const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw === '' ? undefined : raw.replaceAll('\0', ' ');
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  const args = ps.status === 0 ? ps.stdout.trim() : '';
  return args === '' || args.includes('<defunct>') ? undefined : args;
}

/** Whether a process `pid` exists (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is alive and still the process whose command line contains `marker`. */
export function isOurProcess(pid: number, marker: string): boolean {
  return commandLine(pid)?.includes(marker) ?? false;
}

/** Whether `pid` has fully exited: gone or a zombie. An exiting process loses its command line
 *  before it closes its sockets, so only this says that its ports are free again. */
function hasExited(pid: number): boolean {
  if (hasProcFs) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
      return true;
    }
  }
  return !isAlive(pid);
}

/** Stops our process: `signal` first (SIGTERM lets the broker flush and close its logs cleanly),
 *  SIGKILL after `graceMs`. Resolves once the process has exited, with whether it exited on
 *  SIGTERM (cleanly) or had to be killed. */
export async function stopProcess(pid: number, marker: string, options: { signal: 'SIGTERM' | 'SIGKILL'; graceMs: number }): Promise<'clean' | 'killed'> {
  if (!isOurProcess(pid, marker)) return 'killed';
  const gone = () => hasExited(pid);
  const send = (signal: NodeJS.Signals) => {
    if (gone()) return;
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  send(options.signal);
  if (options.signal === 'SIGTERM' && (await waitUntil(gone, options.graceMs))) return 'clean';
  send('SIGKILL');
  if (!(await waitUntil(gone, 10_000))) throw new BrokerError(`process ${pid} did not exit after SIGKILL`);
  return 'killed';
}
