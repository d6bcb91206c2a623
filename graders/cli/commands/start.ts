// `streamlab start [--port N] [--host H]`: the broker (started or reused), the Kafka tool wrappers,
// the site (built first when its sources changed) and its server, until Ctrl-C; then it stops
// what it started, and says what that was. A broker that was already running is left running.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import pc from 'picocolors';
import { startBroker, stopBroker, writeToolWrappers } from '../../broker/index.ts';
import type { SiteServer } from '../../../site/server/site-server.ts';

interface StartFlags {
  port?: number;
  host: string;
}

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidArgumentError('a port number (1-65535)');
  return port;
}

const say = (text: string) => process.stderr.write(`${text}\n`);

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilStopped(controller: AbortController): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) process.exit(130);
      say(`\n${signal}: stopping (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)`);
      controller.abort(new Error(`interrupted by ${signal}`));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function start(flags: StartFlags): Promise<number> {
  // Loaded here, not at CLI start-up: the site server pulls in node-pty, ws and the Kafka client.
  const { buildNeeded, buildSite } = await import('../../../site/server/site-build.ts');
  const { startSiteServer } = await import('../../../site/server/site-server.ts');
  const controller = new AbortController();
  const stopped = untilStopped(controller);
  let broker: Awaited<ReturnType<typeof startBroker>> | undefined;
  let site: SiteServer | undefined;
  let exitCode = 0;
  try {
    broker = await startBroker({ onProgress: (line) => say(pc.dim(`broker: ${line}`)), signal: controller.signal });
    say(`broker: ${broker.reused ? 'reusing the running' : 'started a'} ${broker.provider} broker at ${broker.brokers.join(',')}`);
    const binDir = await writeToolWrappers(broker, { onProgress: (line) => say(pc.dim(`tools: ${line}`)) });
    const reason = await buildNeeded();
    if (reason) {
      say(`site: building (${reason})…`);
      const began = Date.now();
      await buildSite({ signal: controller.signal });
      say(`site: built in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    }
    controller.signal.throwIfAborted();
    site = await startSiteServer({ host: flags.host, port: flags.port, brokers: broker.brokers, binDir, managedBroker: broker.provider !== 'external' });
    if (!loopback.has(flags.host)) {
      say(pc.yellow(`warning: listening on ${flags.host}: the lab terminal (a shell on this machine) is reachable from the network by anyone who has the link below.`));
    }
    say(`\nstreamlab is running. Open:\n\n  ${pc.bold(pc.cyan(site.url))}\n\nCtrl-C stops it.`);
    await stopped;
  } catch (err) {
    if (!controller.signal.aborted) {
      say(`streamlab start: ${(err as Error).message}`);
      exitCode = 2;
    }
  }
  const report: string[] = [];
  if (site) report.push(...(await site.close()));
  if (broker && !broker.reused && broker.provider !== 'external') {
    await stopBroker();
    report.push(`the ${broker.provider} broker at ${broker.brokers.join(',')}`);
  } else if (broker) {
    say(`broker: left running at ${broker.brokers.join(',')} (this launch did not start it)`);
  }
  if (report.length > 0) say(`stopped: ${report.join('; ')}`);
  return exitCode;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start the broker and the lab site; runs until Ctrl-C, then stops what it started')
    .option('--port <n>', 'port for the site (default 4321, or the next free one)', parsePort)
    .option('--host <host>', 'interface to listen on; anything but loopback exposes the terminal to the network', '127.0.0.1')
    .action(async (flags: StartFlags) => {
      process.exitCode = await start(flags);
    });
}
