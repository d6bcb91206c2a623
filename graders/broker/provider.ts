// What every broker provider implements; index.ts picks one and delegates to it.
import type { Availability } from './availability.ts';
import type { BrokerFiles } from './broker-files.ts';
import { withLock } from './lock.ts';

export type ProviderName = 'external' | 'docker' | 'local';

/** Automatic selection tries them in this order (DESIGN.md §3). */
export const PROVIDER_NAMES: readonly ProviderName[] = ['external', 'docker', 'local'];

export interface BrokerInfo {
  provider: ProviderName;
  /** host:port bootstrap addresses; empty when no broker was ever started here. */
  brokers: string[];
  running: boolean;
  /** The broker JVM (local provider). */
  pid?: number;
  /** Where the broker logs (local provider). */
  logFile?: string;
}

export interface StartedBroker extends BrokerInfo {
  /** True when a broker was already running and this call only checked it. */
  reused: boolean;
}

export type KillSignal = 'SIGTERM' | 'SIGKILL';

export interface ProviderContext {
  files: BrokerFiles;
  onProgress: (message: string) => void;
  signal?: AbortSignal;
}

export interface Provider {
  name: ProviderName;
  availability(): Promise<Availability>;
  /** Starts a broker, or reuses the one already running. */
  start(context: ProviderContext): Promise<StartedBroker>;
  stop(context: ProviderContext): Promise<void>;
  status(context: ProviderContext): Promise<BrokerInfo>;
  /** Kills the running broker with `kill` and starts it again on the same address with the same data. */
  restart(context: ProviderContext, kill: KillSignal): Promise<BrokerInfo>;
}

/** Runs `work` as the only start, stop or restart of this state dir's broker. */
export function withBrokerLock<T>(context: ProviderContext, purpose: string, work: () => Promise<T>): Promise<T> {
  return withLock(context.files.lock, purpose, work, { signal: context.signal });
}

/** How long a broker gets to answer its first metadata request. */
export const START_TIMEOUT_MS = 120_000;
