// The `docker` provider: the official apache/kafka image through testcontainers, one combined
// broker+controller. The container is not tied to this process (no Ryuk reaper), so it outlives
// the command that started it, like the local JVM; broker.json records its id.
//
// The broker listens on the same port number inside the container and on the host, and
// advertises 127.0.0.1:<port>: that one address works from the host and for the CLI tools run
// with `docker exec` inside the container.
import type { ContainerRuntimeClient } from 'testcontainers';
import { available, unavailable, type Availability, type Unavailable } from './availability.ts';
import { readRecordOf, writeRecord, type BrokerFiles, type RecordOf } from './broker-files.ts';
import { BrokerError } from './errors.ts';
import { BROKER_HEAP_FLAGS, BROKER_RUNTIME_FLAGS } from './jvm-flags.ts';
import { KAFKA_IMAGE } from './kafka-version.ts';
import { choosePorts } from './ports.ts';
import { START_TIMEOUT_MS, withBrokerLock, type BrokerInfo, type KillSignal, type Provider, type StartedBroker } from './provider.ts';
import { answersMetadata, waitForBroker } from './readiness.ts';
import { asKafkaEnvironment, newClusterId, singleNodeSettings, type NodePorts } from './single-node-settings.ts';

type DockerRecord = RecordOf<'docker'>;

/** The Kafka scripts inside the image. */
export const IMAGE_BIN_DIR = '/opt/kafka/bin';

const STOP_TIMEOUT_S = 30;

// testcontainers is only loaded when Docker is considered: it is large, and on machines without
// a container runtime the local provider never needs it.
const testcontainers = () => import('testcontainers');

const noRuntime = (err: unknown): Unavailable =>
  unavailable(
    `no container runtime answered (testcontainers: ${(err as Error).message})`,
    'start Docker (or Podman with its Docker-compatible socket), or set DOCKER_HOST to a running engine',
  );

async function runtimeClient(): Promise<ContainerRuntimeClient> {
  try {
    return await (await testcontainers()).getContainerRuntimeClient();
  } catch (err) {
    const { reason, fix } = noRuntime(err);
    throw new BrokerError(`${reason}: ${fix}`);
  }
}

const dockerRecord = (files: BrokerFiles) => readRecordOf(files, 'docker');

async function isContainerRunning(client: ContainerRuntimeClient, containerId: string): Promise<boolean> {
  try {
    return (await client.container.inspect(client.container.getById(containerId))).State.Running;
  } catch {
    return false; // removed
  }
}

async function waitUntilAnswering(client: ContainerRuntimeClient, record: DockerRecord, signal?: AbortSignal): Promise<void> {
  const outcome = await waitForBroker(record.brokers, { clusterId: record.clusterId, alive: () => isContainerRunning(client, record.containerId), timeoutMs: START_TIMEOUT_MS, signal });
  if (outcome !== 'ready') {
    throw new BrokerError(`the Kafka container ${record.containerId.slice(0, 12)} ${outcome === 'exited' ? 'stopped during startup' : 'does not answer'}; see \`docker logs ${record.containerId.slice(0, 12)}\``);
  }
}

async function createContainer(client: ContainerRuntimeClient, files: BrokerFiles, ports: NodePorts): Promise<DockerRecord> {
  const { GenericContainer, Wait } = await testcontainers();
  const runtimeHost = client.info.containerRuntime.host;
  const loopback = runtimeHost === 'localhost' || runtimeHost === '127.0.0.1';
  const advertisedHost = loopback ? '127.0.0.1' : runtimeHost;
  const settings = singleNodeSettings(ports, { advertisedHost, bindHost: '0.0.0.0' });
  const clusterId = newClusterId();

  class KafkaContainer extends GenericContainer {
    constructor() {
      super(KAFKA_IMAGE);
      this.withExposedPorts({ container: ports.broker, host: ports.broker });
      // On this machine's engine, publish on loopback only (DESIGN.md §8: nothing listens on the
      // network unless asked); testcontainers itself would bind every interface.
      if (loopback) this.hostConfig.PortBindings = { [`${ports.broker}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(ports.broker) }] };
    }
  }

  const container = await new KafkaContainer()
    .withEnvironment({
      ...asKafkaEnvironment(settings),
      CLUSTER_ID: clusterId,
      KAFKA_HEAP_OPTS: BROKER_HEAP_FLAGS.join(' '),
      KAFKA_JVM_PERFORMANCE_OPTS: BROKER_RUNTIME_FLAGS.join(' '),
    })
    .withLabels({ 'dev.streamlab.state-dir': files.stateDir })
    .withAutoCleanup(false)
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(START_TIMEOUT_MS)
    .start();
  return { provider: 'docker', brokers: [`${advertisedHost}:${ports.broker}`], ports, clusterId, containerId: container.getId() };
}

export const dockerProvider: Provider = {
  name: 'docker',

  async availability(): Promise<Availability> {
    try {
      await (await testcontainers()).getContainerRuntimeClient();
      return available;
    } catch (err) {
      return noRuntime(err);
    }
  },

  start: (context) =>
    withBrokerLock(context, 'starting or stopping the broker', async (): Promise<StartedBroker> => {
      const { files, onProgress, signal } = context;
      const client = await runtimeClient();
      const previous = dockerRecord(files);
      if (previous && (await isContainerRunning(client, previous.containerId))) {
        await waitUntilAnswering(client, previous, signal);
        return { provider: 'docker', brokers: previous.brokers, running: true, reused: true };
      }
      const ports = await choosePorts({ recorded: previous?.ports, onProgress });
      onProgress(`starting ${KAFKA_IMAGE} with the container runtime (the first start pulls the image)`);
      const record = await createContainer(client, files, ports);
      await writeRecord(files, record);
      await waitUntilAnswering(client, record, signal);
      return { provider: 'docker', brokers: record.brokers, running: true, reused: false };
    }),

  stop: (context) =>
    withBrokerLock(context, 'starting or stopping the broker', async () => {
      const record = dockerRecord(context.files);
      if (!record) return;
      const client = await runtimeClient();
      const container = client.container.getById(record.containerId);
      const state = await client.container.inspect(container).then((info) => info.State, () => undefined);
      if (!state) return; // already removed
      context.onProgress(`stopping and removing the Kafka container ${record.containerId.slice(0, 12)}`);
      if (state.Running) await client.container.stop(container, { timeout: STOP_TIMEOUT_S });
      await client.container.remove(container, { removeVolumes: true });
    }),

  async status({ files }): Promise<BrokerInfo> {
    const record = dockerRecord(files);
    if (!record) return { provider: 'docker', brokers: [], running: false };
    const running = (await isContainerRunning(await runtimeClient(), record.containerId)) && (await answersMetadata(record.brokers, record.clusterId));
    return { provider: 'docker', brokers: record.brokers, running };
  },

  restart: (context, kill: KillSignal) =>
    withBrokerLock(context, 'restarting the broker', async () => {
      const record = dockerRecord(context.files);
      const client = await runtimeClient();
      if (!record || !(await isContainerRunning(client, record.containerId))) {
        throw new BrokerError('no Kafka container is running to restart; start one with `streamlab broker start --provider docker`');
      }
      // Stopping (not removing) keeps the container's data and its fixed port mapping.
      const container = client.container.getById(record.containerId);
      if (kill === 'SIGKILL') await container.kill({ signal: 'SIGKILL' });
      else await client.container.stop(container, { timeout: STOP_TIMEOUT_S });
      await client.container.start(container);
      await waitUntilAnswering(client, record, context.signal);
      return { provider: 'docker', brokers: record.brokers, running: true };
    }),
};
