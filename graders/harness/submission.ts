// How a submission directory is run (DESIGN.md §5): `--cmd`, else its package.json `start` script,
// else main.ts, else main.py. TypeScript runs on the project's Node 22 (type stripping) and
// resolves kafkajs from the repository's node_modules by walking up; Python runs in a virtual
// environment that has the submission's requirements installed.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../paths.ts';
import { pythonFor } from './python-env.ts';

/** Bad input from the person grading (missing directory, no entry point): grading cannot start. */
export class GradeInputError extends Error {
  override name = 'GradeInputError';
}

/** How the submission is started, before anything is installed. */
export type EntryPoint =
  | { kind: 'cmd'; command: string }
  | { kind: 'start-script'; script: string }
  | { kind: 'main-ts' }
  | { kind: 'main-py'; requirements: string | null };

/** A resolved command line, plus the PATH entries it needs in front. */
export interface SubmissionCommand {
  file: string;
  args: string[];
  display: string;
  pathPrepend: string[];
}

const exists = async (file: string) => (await stat(file).catch(() => null)) !== null;

async function startScript(dir: string): Promise<string | undefined> {
  const manifest = path.join(dir, 'package.json');
  if (!(await exists(manifest))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(manifest, 'utf8'));
  } catch (err) {
    throw new GradeInputError(`${manifest} is not valid JSON: ${(err as Error).message}`);
  }
  const script = (parsed as { scripts?: { start?: unknown } } | null)?.scripts?.start;
  return typeof script === 'string' && script.trim() !== '' ? script : undefined;
}

/** Finds how to start the submission in `dir`; `cmd` (from --cmd) wins when given. */
export async function resolveEntryPoint(dir: string, cmd?: string): Promise<EntryPoint> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new GradeInputError(`submission directory not found: ${dir}`);
  if (cmd !== undefined) {
    if (cmd.trim() === '') throw new GradeInputError('--cmd is empty');
    return { kind: 'cmd', command: cmd };
  }
  const script = await startScript(dir);
  if (script !== undefined) return { kind: 'start-script', script };
  if (await exists(path.join(dir, 'main.ts'))) return { kind: 'main-ts' };
  if (await exists(path.join(dir, 'main.py'))) {
    const requirements = path.join(dir, 'requirements.txt');
    return { kind: 'main-py', requirements: (await exists(requirements)) ? requirements : null };
  }
  throw new GradeInputError(
    `no way to start the submission in ${dir}: give --cmd "<command>", or add a package.json "start" script, main.ts or main.py`,
  );
}

// PATH for Node submissions: the submission's own tool bins, then the repository's, then the Node 22
// that streamlab runs on, so `node` in a --cmd or start script strips types like main.ts does.
const nodePath = (dir: string) => [path.join(dir, 'node_modules', '.bin'), path.join(repoRoot, 'node_modules', '.bin'), path.dirname(process.execPath)];

/** Turns an entry point into a command line, installing Python requirements when needed. */
export async function commandFor(entry: EntryPoint, dir: string, onProgress: (message: string) => void, signal?: AbortSignal): Promise<SubmissionCommand> {
  switch (entry.kind) {
    case 'cmd':
      return { file: '/bin/sh', args: ['-c', entry.command], display: entry.command, pathPrepend: nodePath(dir) };
    case 'start-script':
      // The script runs as `npm start` would run it, minus npm's own start-up time and output.
      return { file: '/bin/sh', args: ['-c', entry.script], display: `npm start (${entry.script})`, pathPrepend: nodePath(dir) };
    case 'main-ts':
      return { file: process.execPath, args: ['main.ts'], display: 'node main.ts', pathPrepend: nodePath(dir) };
    case 'main-py': {
      const python = await pythonFor(entry.requirements, onProgress, signal);
      return { file: python, args: ['-u', 'main.py'], display: 'python main.py', pathPrepend: [path.dirname(python)] };
    }
  }
}
