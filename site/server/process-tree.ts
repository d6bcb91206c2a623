// Stops a terminal's shell and everything it started. An interactive bash puts each job in its own
// process group, so one group signal is not enough: this collects the shell's descendants and every
// process of its session (a `nohup … &` stays in the session after its parent is gone).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcessRow {
  pid: number;
  ppid: number;
  /** Session id on Linux; process group id elsewhere (ps has no portable session column). */
  sid: number;
}

/** Live processes (zombies left out: they are already gone, only not yet reaped). */
function processTable(): ProcessRow[] {
  if (process.platform === 'linux') {
    const rows: ProcessRow[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // "pid (comm) state ppid pgrp session …": comm may hold spaces and parentheses.
        const [state, ppid, , sid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (state !== 'Z') rows.push({ pid: Number(name), ppid: Number(ppid), sid: Number(sid) });
      } catch {
        // The process ended while we listed it.
      }
    }
    return rows;
  }
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,state='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , , state]) => !state?.startsWith('Z'))
    .map(([pid, ppid, sid]) => ({ pid: Number(pid), ppid: Number(ppid), sid: Number(sid) }));
}

/** Live processes among `known`, plus `root`'s descendants and its session. */
function liveTree(root: number, known: Set<number>): Set<number> {
  const table = processTable();
  const members = new Set(table.filter((p) => p.pid === root || known.has(p.pid) || p.sid === root).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table) {
      if (!members.has(p.pid) && members.has(p.ppid)) {
        members.add(p.pid);
        grew = true;
      }
    }
  }
  return members;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Hangs up the shell `root` (SIGHUP, as a closed terminal does), sends SIGTERM to the rest of its
 *  tree, and SIGKILLs whatever is still alive after `graceMs`. */
export async function killProcessTree(root: number, graceMs = 2000): Promise<void> {
  const known = liveTree(root, new Set());
  for (const pid of known) signal(pid, pid === root ? 'SIGHUP' : 'SIGTERM');
  const deadline = Date.now() + graceMs;
  for (;;) {
    // Re-read: children forked during shutdown join the set.
    const alive = liveTree(root, known);
    if (alive.size === 0) return;
    if (Date.now() >= deadline) {
      for (const pid of alive) signal(pid, 'SIGKILL');
      return;
    }
    for (const pid of alive) known.add(pid);
    await sleep(50);
  }
}

/** Whether `pid` is a running process; a zombie (ended, not yet reaped by its new parent) is not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return processTable().some((p) => p.pid === pid);
}
