// `streamlab kafka <tool> [args…]`: runs a real Kafka CLI tool against the current broker, the
// same command as the .streamlab/bin wrappers. Arguments pass through unchanged (options too);
// the broker's --bootstrap-server is added when none is given. Exits with the tool's code.
import os from 'node:os';
import type { Command } from 'commander';
import { execa } from 'execa';
import { KAFKA_TOOLS, kafkaToolCommand } from '../../broker/index.ts';

const usage = () =>
  `usage: streamlab kafka <tool> [args…]\n\nTools: ${Object.keys(KAFKA_TOOLS).join(', ')}\n` +
  'Example: streamlab kafka kafka-topics --list   (the broker address is added unless you give --bootstrap-server)\n';

async function runTool(tool: string, args: string[]): Promise<number> {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const { command, args: toolArgs } = kafkaToolCommand(tool, args, { interactive });
  const child = execa(command, toolArgs, { stdio: 'inherit', reject: false });
  // Ctrl-C reaches the tool directly (same terminal process group): it prints its summary and
  // exits, and so do we. Signals sent to this process alone are handed on.
  const ignore = () => undefined;
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  try {
    const result = await child;
    if (result.exitCode !== undefined) return result.exitCode;
    const signalNumber = result.signal ? os.constants.signals[result.signal] : undefined;
    if (signalNumber !== undefined) return 128 + signalNumber;
    process.stderr.write(`streamlab kafka: could not run ${command}: ${result.shortMessage}\n`);
    return 127;
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
    process.off('SIGHUP', forward);
  }
}

export function register(program: Command): void {
  program
    .command('kafka')
    .description('run a Kafka CLI tool (kafka-topics, kafka-console-consumer, …) against the broker')
    .argument('[tool]', 'the tool, e.g. kafka-topics')
    .argument('[args...]', "the tool's own arguments, passed through unchanged")
    // Every option after the tool name is the tool's, --help included.
    .helpOption(false)
    .allowUnknownOption()
    .action(async (tool: string | undefined, args: string[]) => {
      if (tool === undefined || tool === '--help' || tool === '-h') {
        process.stdout.write(usage());
        return;
      }
      try {
        process.exitCode = await runTool(tool, args);
      } catch (err) {
        process.stderr.write(`streamlab kafka: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
