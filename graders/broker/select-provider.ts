// Which provider a command acts on (DESIGN.md §3). In order: --provider, STREAMLAB_BROKER,
// KAFKA_BROKERS (external, unless it names the broker streamlab runs in this state dir, as in the
// lab terminal), the provider that last ran a broker in this state dir (so that a learner's
// broker stays where it is), else the first available of external, docker, local.
import { readRecord, type BrokerFiles } from './broker-files.ts';
import { dockerProvider } from './docker-provider.ts';
import { BrokerError } from './errors.ts';
import { externalBrokers, externalProvider } from './external-provider.ts';
import { localProvider } from './local-provider.ts';
import { PROVIDER_NAMES, type Provider, type ProviderName } from './provider.ts';

const providers: Record<ProviderName, Provider> = { external: externalProvider, docker: dockerProvider, local: localProvider };

function isProviderName(text: string): text is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(text);
}

/** A provider name given by the user (`source` names where, for the error message). */
function parseProviderName(text: string, source: string): ProviderName {
  if (!isProviderName(text)) throw new BrokerError(`${source} must be one of ${PROVIDER_NAMES.join(', ')}; "${text}" is not`);
  return text;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((broker) => b.includes(broker));

/** The provider asked for or last used here, without probing anything; undefined when neither. */
export function settledProvider(requested: ProviderName | undefined, files: BrokerFiles): ProviderName | undefined {
  if (requested) return requested;
  if (process.env.STREAMLAB_BROKER) return parseProviderName(process.env.STREAMLAB_BROKER, 'STREAMLAB_BROKER');
  const record = readRecord(files);
  if (process.env.KAFKA_BROKERS) return record && sameSet(record.brokers, externalBrokers()) ? record.provider : 'external';
  return record?.provider;
}

export function providerNamed(name: ProviderName): Provider {
  return providers[name];
}

/** The settled provider, else the first available one; when none is, one error that lists what
 *  was tried and how to fix each. */
export async function chooseProvider(requested: ProviderName | undefined, files: BrokerFiles): Promise<Provider> {
  const settled = settledProvider(requested, files);
  if (settled) return providers[settled];
  const tried: string[] = [];
  for (const name of PROVIDER_NAMES) {
    const availability = await providers[name].availability();
    if (availability.ok) return providers[name];
    tried.push(`  - ${name}: ${availability.reason}\n    fix: ${availability.fix}`);
  }
  throw new BrokerError(
    `no Kafka broker is available. Tried, in order:\n${tried.join('\n')}\n` +
      `Fix one of them, or choose a provider with STREAMLAB_BROKER=${PROVIDER_NAMES.join('|')} (or --provider).`,
  );
}
