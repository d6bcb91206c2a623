// The list of CLI commands. Adding a command: write commands/<name>.ts exporting `register(program)`
// and add it here.
import type { Command } from 'commander';

type Register = (program: Command) => void;
const commands: Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
