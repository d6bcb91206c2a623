// docker/compose*.yml are written by hand for `docker compose` users; they must run the pinned
// image with the settings the providers use, or the labs behave differently there.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../paths.ts';
import { BROKER_HEAP_FLAGS, BROKER_RUNTIME_FLAGS } from './jvm-flags.ts';
import { KAFKA_IMAGE } from './kafka-version.ts';
import { asKafkaEnvironment, singleNodeSettings, singleNodeTuning } from './single-node-settings.ts';

interface ComposeFile {
  services: Record<string, { image: string; ports: string[]; environment: Record<string, string> }>;
}

const load = (name: string): ComposeFile => parse(fs.readFileSync(path.join(repoRoot, 'docker', name), 'utf8'), { merge: true }) as ComposeFile;

describe('docker/compose.yml', () => {
  const { services } = load('compose.yml');
  const kafka = services.kafka;

  it('runs the pinned image, published on loopback', () => {
    expect(kafka?.image).toBe(KAFKA_IMAGE);
    expect(kafka?.ports).toEqual(['127.0.0.1:9092:9092']);
  });

  it('sets exactly the single-node settings and JVM flags of the providers', () => {
    const { CLUSTER_ID, ...environment } = kafka?.environment ?? {};
    expect(CLUSTER_ID).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(environment).toEqual({
      ...asKafkaEnvironment(singleNodeSettings({ broker: 9092, controller: 9093 }, { advertisedHost: '127.0.0.1', bindHost: '0.0.0.0' })),
      KAFKA_HEAP_OPTS: BROKER_HEAP_FLAGS.join(' '),
      KAFKA_JVM_PERFORMANCE_OPTS: BROKER_RUNTIME_FLAGS.join(' '),
    });
  });
});

describe('docker/compose.3-brokers.yml', () => {
  const { services } = load('compose.3-brokers.yml');
  const nodes = Object.entries(services);

  it('runs three brokers of the pinned image, each a voter of the quorum, each reachable on its published loopback port', () => {
    expect(nodes).toHaveLength(3);
    for (const [name, service] of nodes) {
      const env = service.environment;
      expect(service.image).toBe(KAFKA_IMAGE);
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS?.split(',')).toContain(`${env.KAFKA_NODE_ID}@${name}:9093`);
      const port = /EXTERNAL:\/\/127\.0\.0\.1:(\d+)/.exec(env.KAFKA_ADVERTISED_LISTENERS ?? '')?.[1];
      expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    }
  });

  it('keeps the lab-friendly settings of the single broker that do not depend on replication', () => {
    const labFriendly = [
      'group.initial.rebalance.delay.ms',
      'auto.create.topics.enable',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms',
      'num.network.threads',
      'num.io.threads',
      'log.cleaner.dedupe.buffer.size',
    ];
    const expected = asKafkaEnvironment(Object.fromEntries(labFriendly.map((key) => [key, singleNodeTuning[key] ?? ''])));
    for (const [, service] of nodes) expect(service.environment).toMatchObject(expected);
  });
});
