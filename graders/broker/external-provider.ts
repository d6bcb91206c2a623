// The `external` provider: a cluster someone else runs (a team cluster, a cloud service,
// Redpanda), named by KAFKA_BROKERS and used as is. streamlab never starts, stops or restarts it,
// so nothing about it is recorded.
import { available, unavailable, type Availability } from './availability.ts';
import { BrokerError } from './errors.ts';
import type { BrokerInfo, Provider, StartedBroker } from './provider.ts';
import { answersMetadata, waitForBroker } from './readiness.ts';

/** How long an external cluster gets to answer before it counts as unreachable. */
const REACH_TIMEOUT_MS = 5000;

/** The bootstrap addresses in KAFKA_BROKERS, checked for the host:port form. */
export function externalBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  const text = env.KAFKA_BROKERS ?? '';
  const brokers = text.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (brokers.length === 0) throw new BrokerError('KAFKA_BROKERS is not set: set it to the cluster\'s bootstrap addresses, e.g. KAFKA_BROKERS=127.0.0.1:9092');
  for (const broker of brokers) {
    const port = Number(/:(\d+)$/.exec(broker)?.[1]);
    if (!/^[^\s:]+:\d+$/.test(broker) || port < 1 || port > 65535) {
      throw new BrokerError(`KAFKA_BROKERS must be comma-separated host:port addresses (e.g. 127.0.0.1:9092,10.0.0.2:9092); "${broker}" is not one`);
    }
  }
  return brokers;
}

export const externalProvider: Provider = {
  name: 'external',

  async availability(): Promise<Availability> {
    return process.env.KAFKA_BROKERS
      ? available
      : unavailable('KAFKA_BROKERS is not set', 'set KAFKA_BROKERS=host:port[,host:port] to use a cluster that is already running');
  },

  async start({ signal }): Promise<StartedBroker> {
    const brokers = externalBrokers();
    const outcome = await waitForBroker(brokers, { alive: () => true, timeoutMs: REACH_TIMEOUT_MS, signal });
    if (outcome !== 'ready') {
      throw new BrokerError(
        `cannot reach the Kafka cluster in KAFKA_BROKERS (${brokers.join(',')}): no answer to a metadata request within ${REACH_TIMEOUT_MS / 1000} s. ` +
          'Check the addresses and that the cluster is up, or unset KAFKA_BROKERS to let streamlab run a broker.',
      );
    }
    return { provider: 'external', brokers, running: true, reused: true };
  },

  async stop({ onProgress }): Promise<void> {
    onProgress('the cluster in KAFKA_BROKERS is external: streamlab leaves it running');
  },

  async status(): Promise<BrokerInfo> {
    const brokers = externalBrokers();
    return { provider: 'external', brokers, running: await answersMetadata(brokers) };
  },

  async restart(): Promise<BrokerInfo> {
    throw new BrokerError('streamlab cannot restart an external cluster (KAFKA_BROKERS); broker-restart scenarios need the local or docker provider');
  },
};
