// The list of CLI commands. Adding a command: write commands/<name>.ts exporting `register(program)`
// and add it here.
import type { Command } from 'commander';
import { register as broker } from './broker.ts';
import { register as checkLabs } from './check-labs.ts';
import { register as grade } from './grade.ts';
import { register as kafka } from './kafka.ts';
import { register as labs } from './labs.ts';
import { register as start } from './start.ts';

type Register = (program: Command) => void;
const commands: Register[] = [start, broker, kafka, labs, grade, checkLabs];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
