// What tests use to reach the run's broker (started once by test/global-setup.ts).
import crypto from 'node:crypto';
import { inject } from 'vitest';
import type { KillSignal, ProviderName } from '../graders/broker/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap addresses of the test run's broker. */
    brokers: string[];
    /** The run's own broker (null when KAFKA_BROKERS named an external one). */
    brokerControl: { provider: ProviderName; stateDir: string } | null;
  }
}

/** The test run's broker, as host:port bootstrap addresses. */
export function testBrokers(): string[] {
  return inject('brokers');
}

/** Restarts the run's broker on the same address, for broker-restart scenarios (files run one at
 *  a time, so no other test sees it go down). */
export async function restartTestBroker(kill: KillSignal = 'SIGKILL'): Promise<void> {
  const control = inject('brokerControl');
  if (!control) throw new Error('the test broker is external (KAFKA_BROKERS): only a broker the test run started can be restarted');
  // Loaded here: the broker module reads graders/paths.ts, which fixes the state dir when first
  // imported, and tests that choose their own state dir import this file before doing so.
  const { restartBroker } = await import('../graders/broker/index.ts');
  await restartBroker({ ...control, kill });
}

/** A topic, group or transactional id no other test or concurrent run uses on the shared broker. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}
