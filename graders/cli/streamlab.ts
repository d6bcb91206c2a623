// The `streamlab` command line (DESIGN.md §4). Each command lives in commands/<name>.ts and
// registers itself on the program; this file only assembles them.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';

const program = new Command('streamlab')
  .description('Labs for real-time data pipelines on Apache Kafka: broker, site, graders')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  throw err;
}
