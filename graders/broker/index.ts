// The one module that owns the Kafka broker's lifecycle (DESIGN.md §2, §3). Everything else
// (CLI, graders, site) starts, stops, inspects and restarts the broker through these functions.
import { brokerFiles, readRecord } from './broker-files.ts';
import { BrokerError } from './errors.ts';
import type { BrokerInfo, KillSignal, ProviderContext, ProviderName, StartedBroker } from './provider.ts';
import { chooseProvider, providerNamed, settledProvider } from './select-provider.ts';

export { BrokerError } from './errors.ts';
export { KAFKA_VERSION } from './kafka-version.ts';
export { KAFKA_TOOLS, kafkaToolCommand, writeToolWrappers } from './kafka-tools.ts';
export { PROVIDER_NAMES } from './provider.ts';
export type { BrokerInfo, KillSignal, ProviderName, StartedBroker } from './provider.ts';

export interface BrokerOptions {
  /** Overrides STREAMLAB_BROKER and the automatic choice. */
  provider?: ProviderName;
  /** The state dir holding the broker's files (default: graders/paths.ts stateDir). */
  stateDir?: string;
  /** What a slow step is doing (jar download, JVM start), for a progress line. */
  onProgress?: (message: string) => void;
  /** Aborting stops a start in progress, and a broker it launched. */
  signal?: AbortSignal;
}

function contextOf(options: BrokerOptions): ProviderContext {
  return { files: brokerFiles(options.stateDir), onProgress: options.onProgress ?? (() => undefined), ...(options.signal ? { signal: options.signal } : {}) };
}

/** Starts a broker, or reuses the one running (then `reused` is true). */
export async function startBroker(options: BrokerOptions = {}): Promise<StartedBroker> {
  const context = contextOf(options);
  const provider = await chooseProvider(options.provider, context.files);
  const other = readRecord(context.files)?.provider;
  // One state dir, one broker: a second provider's broker would be lost track of.
  if (provider.name !== 'external' && other !== undefined && other !== provider.name) {
    const running = await providerNamed(other).status(context);
    if (running.running) {
      throw new BrokerError(`a ${other} broker is already running here (${running.brokers.join(',')}); stop it first with \`streamlab broker stop --provider ${other}\``);
    }
  }
  return provider.start(context);
}

/** Stops the broker streamlab runs here, if any (never an external cluster). */
export async function stopBroker(options: BrokerOptions = {}): Promise<void> {
  const context = contextOf(options);
  const name = settledProvider(options.provider, context.files);
  if (name) await providerNamed(name).stop(context);
}

/** Which broker commands act on and whether it answers. */
export async function brokerStatus(options: BrokerOptions = {}): Promise<BrokerInfo> {
  const context = contextOf(options);
  return (await chooseProvider(options.provider, context.files)).status(context);
}

/** Kills the running broker (`kill`: SIGKILL by default, a crash; SIGTERM, a clean shutdown) and
 *  starts it again on the same address with the same data, for "the broker restarts" scenarios. */
export async function restartBroker(options: BrokerOptions & { kill?: KillSignal } = {}): Promise<BrokerInfo> {
  const context = contextOf(options);
  const name = settledProvider(options.provider, context.files);
  if (!name) throw new BrokerError('no broker is running to restart; start one with `streamlab broker start`');
  return providerNamed(name).restart(context, options.kill ?? 'SIGKILL');
}
