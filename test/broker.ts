// What tests use to reach the run's broker (started once by test/global-setup.ts).
import crypto from 'node:crypto';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap addresses of the test run's broker. */
    brokers: string[];
  }
}

/** The test run's broker, as host:port bootstrap addresses. */
export function testBrokers(): string[] {
  return inject('brokers');
}

/** A topic, group or transactional id no other test or concurrent run uses on the shared broker. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}
