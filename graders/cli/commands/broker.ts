// `streamlab broker start|stop|status [--provider P] [--json]` (DESIGN.md §4): the broker's
// lifecycle from the command line. Exit 0 ok, 2 error, 130 interrupted. Progress goes to stderr,
// so that `--json` output on stdout stays clean.
import { Option } from 'commander';
import type { Command } from 'commander';
import { BrokerError, brokerStatus, PROVIDER_NAMES, startBroker, stopBroker, writeToolWrappers } from '../../broker/index.ts';
import type { BrokerInfo, ProviderName } from '../../broker/index.ts';

interface BrokerFlags {
  provider?: ProviderName;
  json?: boolean;
}

const progress = (message: string) => process.stderr.write(`broker: ${message}\n`);

function print(info: BrokerInfo, flags: BrokerFlags): void {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ provider: info.provider, brokers: info.brokers, running: info.running })}\n`);
    return;
  }
  const where = info.brokers.length > 0 ? ` at ${info.brokers.join(',')}` : '';
  const details = [info.pid === undefined ? '' : `pid ${info.pid}`, info.logFile === undefined ? '' : `log ${info.logFile}`].filter(Boolean).join(', ');
  process.stdout.write(`${info.provider} broker${where}: ${info.running ? 'running' : 'not running'}${details ? ` (${details})` : ''}\n`);
}

/** Runs `work`; Ctrl-C aborts it (a start in progress stops the broker it launched, which takes
 *  a moment: further Ctrl-Cs are absorbed so that nothing is left half-stopped). */
async function run(name: string, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => controller.abort(new BrokerError(`interrupted by ${signal}`));
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    await work(controller.signal);
  } catch (err) {
    if (controller.signal.aborted) {
      process.stderr.write(`streamlab broker ${name}: interrupted\n`);
      process.exitCode = 130;
      return;
    }
    process.stderr.write(`streamlab broker ${name}: ${(err as Error).message}\n`);
    process.exitCode = 2;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

export function register(program: Command): void {
  const broker = program.command('broker').description('start, stop or inspect the Kafka broker the labs use');
  const subcommand = (name: string, description: string) =>
    broker
      .command(name)
      .description(description)
      .addOption(
        new Option('--provider <name>', 'where the broker runs (default: STREAMLAB_BROKER, else KAFKA_BROKERS → external, else the first of docker, local that works)').choices(
          PROVIDER_NAMES,
        ),
      )
      .addOption(new Option('--json', 'print {"provider","brokers","running"} as JSON'));

  subcommand('start', 'start a broker (or reuse the running one) and write the Kafka CLI wrappers into .streamlab/bin').action((flags: BrokerFlags) =>
    run('start', async (signal) => {
      const info = await startBroker({ provider: flags.provider, onProgress: progress, signal });
      const binDir = await writeToolWrappers(info, { onProgress: progress });
      if (!flags.json) progress(`${info.reused ? 'reused the running broker' : 'started'}; Kafka CLI tools: ${binDir}`);
      print(info, flags);
    }),
  );

  subcommand('stop', 'stop the broker streamlab started (an external cluster is left alone)').action((flags: BrokerFlags) =>
    run('stop', async (signal) => {
      await stopBroker({ provider: flags.provider, onProgress: progress, signal });
      print(await brokerStatus({ provider: flags.provider, signal }), flags);
    }),
  );

  subcommand('status', 'show which broker the labs use and whether it answers').action((flags: BrokerFlags) =>
    run('status', async (signal) => print(await brokerStatus({ provider: flags.provider, signal }), flags)),
  );
}
