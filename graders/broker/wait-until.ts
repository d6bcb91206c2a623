import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `done` every `intervalMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}
