// Python submissions run in a virtual environment with their requirements installed. One
// environment per requirements file content, under .streamlab/python/<hash>, reused by every
// later grade; a marker written last means an interrupted install is redone, never half-used.
import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, ExecaError } from 'execa';
import { withLock } from '../broker/lock.ts';
import { stateDir } from '../paths.ts';

const READY_MARKER = '.streamlab-ready';

const exists = async (file: string) => (await stat(file).catch(() => null)) !== null;

/** The interpreter to run a submission with; creates its environment on first use. */
export async function pythonFor(requirements: string | null, onProgress: (message: string) => void, signal?: AbortSignal): Promise<string> {
  const text = requirements === null ? '' : await readFile(requirements, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const envDir = path.join(stateDir, 'python', hash);
  const python = path.join(envDir, 'bin', 'python');
  const ready = () => exists(path.join(envDir, READY_MARKER));
  if (await ready()) return python;
  // Two grades at once (the site and a terminal, say) build it once: the second waits, then reuses.
  await withLock(`${envDir}.lock`, 'creating a Python environment', async () => {
    if (!(await ready())) await createEnv(envDir, requirements, onProgress, signal);
  }, { signal });
  return python;
}

async function createEnv(envDir: string, requirements: string | null, onProgress: (message: string) => void, signal?: AbortSignal): Promise<void> {
  const python = path.join(envDir, 'bin', 'python');
  await rm(envDir, { recursive: true, force: true });
  const shown = path.relative(process.cwd(), envDir);
  onProgress(`creating a Python environment in ${shown.startsWith('..') ? envDir : shown}`);
  try {
    // pip is only needed to install requirements; leaving it out saves seconds.
    await execa('python3', ['-m', 'venv', ...(requirements === null ? ['--without-pip'] : []), envDir], { cancelSignal: signal });
    if (requirements !== null) {
      onProgress(`installing ${requirements}`);
      const pip = execa(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', requirements], {
        cancelSignal: signal,
        all: true,
      });
      for await (const line of pip.iterable({ from: 'all' })) if (line.trim() !== '') onProgress(`pip: ${line}`);
      await pip;
    }
  } catch (err) {
    await rm(envDir, { recursive: true, force: true });
    if (err instanceof ExecaError && err.code === 'ENOENT') {
      throw new Error('python3 was not found on PATH; Python submissions need Python 3 with the venv module (Debian: apt install python3-venv)');
    }
    throw new Error(`could not prepare the Python environment for ${requirements ?? 'main.py'}: ${(err as Error).message}`);
  }
  await writeFile(path.join(envDir, READY_MARKER), `${requirements ?? ''}\n`);
}
