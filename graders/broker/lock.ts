// A lock file so that two streamlab processes (the site and a terminal command, say) never start
// or stop the same broker, or download the same jars, at the same time. It holds the owner's pid,
// so a lock left behind by a killed process is taken over instead of blocking forever.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError } from './errors.ts';
import { isAlive } from './processes.ts';

function ownerOf(lockFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `work` while holding `lockFile`; waits for another holder up to `timeoutMs`. */
export async function withLock<T>(lockFile: string, purpose: string, work: () => Promise<T>, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const { timeoutMs = 15 * 60_000, signal } = options;
  await fs.promises.mkdir(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  // The pid is written to a private file first and then hard-linked into place: the link either
  // fails (held) or appears complete, so no reader ever sees an empty lock.
  const claim = `${lockFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await fs.promises.writeFile(claim, String(process.pid));
  try {
    for (;;) {
      try {
        await fs.promises.link(claim, lockFile);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = ownerOf(lockFile);
      if (owner === undefined || !isAlive(owner)) {
        await fs.promises.rm(lockFile, { force: true });
        continue;
      }
      signal?.throwIfAborted();
      if (Date.now() > deadline) {
        throw new BrokerError(`another streamlab process (pid ${owner}) is still ${purpose}; waited ${Math.round(timeoutMs / 1000)} s. If it is stuck, stop it and delete ${lockFile}.`);
      }
      await sleep(200);
    }
  } finally {
    await fs.promises.rm(claim, { force: true });
  }
  try {
    return await work();
  } finally {
    await fs.promises.rm(lockFile, { force: true });
  }
}
