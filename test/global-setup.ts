// vitest globalSetup: one broker for the whole test run. KAFKA_BROKERS, when set, names a running
// cluster to use; otherwise a broker is started (the automatic provider choice: docker, else a
// local JVM) in a state dir of this run's own, so it never touches a learner's broker or another
// engineer's concurrent test run, and it is stopped at the end (on Ctrl-C too). Tests get the address from
// `testBrokers()` (test/broker.ts) or KAFKA_BROKERS, set here for the test workers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '../graders/paths.ts';
import { startBroker, stopBroker } from '../graders/broker/index.ts';
import { isAlive } from '../graders/broker/processes.ts';
import './broker.ts';

const runsDir = path.join(repoRoot, '.streamlab', 'test-runs');
const ownerFile = (dir: string) => path.join(dir, 'owner.pid');

/** Stops the brokers of earlier runs that died without their teardown (a killed vitest). */
async function sweepAbandonedRuns(): Promise<void> {
  const runs = fs.existsSync(runsDir) ? await fs.promises.readdir(runsDir) : [];
  for (const run of runs) {
    const stateDir = path.join(runsDir, run);
    const owner = Number(await fs.promises.readFile(ownerFile(stateDir), 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(owner) && isAlive(owner)) continue;
    await stopBroker({ stateDir });
    await fs.promises.rm(stateDir, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (message: string) => process.stderr.write(`[test broker] ${message}\n`);
  if (process.env.KAFKA_BROKERS) {
    const { brokers } = await startBroker({ provider: 'external' });
    log(`using KAFKA_BROKERS=${brokers.join(',')}`);
    project.provide('brokers', brokers);
    project.provide('brokerControl', null);
    return async () => undefined;
  }
  await sweepAbandonedRuns();
  // Any free port for this broker and the ones tests start: 9092 stays the learner's, and
  // concurrent runs do not race each other for it.
  process.env.STREAMLAB_BROKER_PORT ??= '0';
  const stateDir = path.join(runsDir, String(process.pid));
  await fs.promises.mkdir(stateDir, { recursive: true });
  await fs.promises.writeFile(ownerFile(stateDir), String(process.pid));
  const started = Date.now();
  const broker = await startBroker({ stateDir, onProgress: log });
  log(`${broker.provider} broker at ${broker.brokers.join(',')} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // From here on KAFKA_BROKERS names this broker, so the stops below name their provider.
  process.env.KAFKA_BROKERS = broker.brokers.join(',');
  project.provide('brokers', broker.brokers);
  project.provide('brokerControl', { provider: broker.provider, stateDir });
  // On Ctrl-C vitest exits without calling the teardown; only 'exit' handlers run, and they must
  // be synchronous, so the CLI stops the broker in a child process that this one waits for.
  const stopOnExit = () => {
    spawnSync(process.execPath, [path.join(repoRoot, 'graders', 'cli', 'bin.mjs'), 'broker', 'stop', '--provider', broker.provider], {
      env: { ...process.env, STREAMLAB_STATE_DIR: stateDir },
      stdio: 'inherit',
    });
    fs.rmSync(stateDir, { recursive: true, force: true });
  };
  process.once('exit', stopOnExit);
  return async () => {
    process.off('exit', stopOnExit);
    await stopBroker({ stateDir, provider: broker.provider });
    await fs.promises.rm(stateDir, { recursive: true, force: true });
  };
}
