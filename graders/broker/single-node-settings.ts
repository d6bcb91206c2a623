// Broker settings for one combined broker+controller node (KRaft, static quorum). Both the local
// provider (server.properties) and the docker provider (KAFKA_* environment) are built from here;
// docker/compose.yml repeats them for `docker compose` users, checked by a test.
import crypto from 'node:crypto';

/** Listener ports of one node. */
export interface NodePorts {
  broker: number;
  controller: number;
}

/** The settings that make one node work for labs and start fast. */
export const singleNodeTuning: Readonly<Record<string, string>> = {
  // Internal topics default to replication factor 3 (min ISR 2): groups and transactions would fail on one node.
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  // 50 partitions each by default: slow first group join and first transaction for nothing.
  'offsets.topic.num.partitions': '1',
  'transaction.state.log.num.partitions': '1',
  'num.partitions': '1',
  'default.replication.factor': '1',
  'min.insync.replicas': '1',
  // The first rebalance otherwise waits 3 s, which graders and learners would feel on every run.
  'group.initial.rebalance.delay.ms': '0',
  // A typo in a topic name should fail loudly, not create an empty topic.
  'auto.create.topics.enable': 'false',
  // Fault scenarios kill transactional producers; abort their transactions sooner than the 10 s default.
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '5000',
  // A broker restarted after a crash cannot register until its old session expires (9 s by
  // default): broker-restart scenarios would wait for it. Heartbeats must stay well inside it.
  'broker.session.timeout.ms': '4000',
  'broker.heartbeat.interval.ms': '1000',
  // Fewer threads and a 1 MiB dedupe buffer instead of 128 MiB: the machine is shared with pipelines.
  'num.network.threads': '2',
  'num.io.threads': '2',
  'log.cleaner.dedupe.buffer.size': '1048577',
};

/** All settings of node 1, advertised to clients as `advertisedHost`. `bindHost` is where the broker
 *  listener binds: loopback for a local JVM, 0.0.0.0 inside a container (its port mapping decides
 *  who can reach it). The controller listener always stays on loopback. */
export function singleNodeSettings(ports: NodePorts, options: { advertisedHost: string; bindHost: string }): Record<string, string> {
  const { advertisedHost, bindHost } = options;
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${ports.controller}`,
    listeners: `PLAINTEXT://${bindHost}:${ports.broker},CONTROLLER://127.0.0.1:${ports.controller}`,
    'advertised.listeners': `PLAINTEXT://${advertisedHost}:${ports.broker}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    ...singleNodeTuning,
  };
}

/** The settings as the apache/kafka image reads them from the environment (a.b.c → KAFKA_A_B_C). */
export function asKafkaEnvironment(settings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [`KAFKA_${key.toUpperCase().replaceAll('.', '_')}`, value]));
}

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka writes them
 *  (and, like Kafka, never starting with '-', which command lines would take for an option). */
export function newClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
