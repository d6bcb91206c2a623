import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../paths.ts';
import { commandFor, GradeInputError, resolveEntryPoint } from './submission.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'streamlab-submission-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text = '') => writeFile(path.join(dir, name), text);
const noProgress = () => undefined;

describe('resolveEntryPoint', () => {
  it('prefers --cmd, then the start script, then main.ts, then main.py', async () => {
    await write('main.py');
    expect(await resolveEntryPoint(dir)).toEqual({ kind: 'main-py', requirements: null });
    await write('requirements.txt', 'confluent-kafka\n');
    expect(await resolveEntryPoint(dir)).toEqual({ kind: 'main-py', requirements: path.join(dir, 'requirements.txt') });
    await write('main.ts');
    expect(await resolveEntryPoint(dir)).toEqual({ kind: 'main-ts' });
    await write('package.json', JSON.stringify({ scripts: { start: 'node app.ts' } }));
    expect(await resolveEntryPoint(dir)).toEqual({ kind: 'start-script', script: 'node app.ts' });
    expect(await resolveEntryPoint(dir, 'java -jar app.jar')).toEqual({ kind: 'cmd', command: 'java -jar app.jar' });
  });

  it('skips a package.json without a start script', async () => {
    await write('package.json', JSON.stringify({ name: 'x', scripts: { test: 'vitest' } }));
    await write('main.ts');
    expect(await resolveEntryPoint(dir)).toEqual({ kind: 'main-ts' });
  });

  it('says what to add when nothing can be started', async () => {
    await expect(resolveEntryPoint(dir)).rejects.toThrow(GradeInputError);
    await expect(resolveEntryPoint(dir)).rejects.toThrow(/give --cmd .* package.json "start" script, main.ts or main.py/);
  });

  it('names a missing directory, an empty --cmd and a broken package.json', async () => {
    await expect(resolveEntryPoint(path.join(dir, 'nope'))).rejects.toThrow(/submission directory not found: .*nope/);
    await expect(resolveEntryPoint(dir, '  ')).rejects.toThrow('--cmd is empty');
    await write('package.json', '{ not json');
    await expect(resolveEntryPoint(dir)).rejects.toThrow(/package.json is not valid JSON/);
  });
});

describe('commandFor', () => {
  const nodeBins = (sub: string) => [path.join(sub, 'node_modules', '.bin'), path.join(repoRoot, 'node_modules', '.bin'), path.dirname(process.execPath)];

  it('runs main.ts on the Node that runs streamlab', async () => {
    expect(await commandFor({ kind: 'main-ts' }, dir, noProgress)).toEqual({ file: process.execPath, args: ['main.ts'], display: 'node main.ts', pathPrepend: nodeBins(dir) });
  });

  it('runs --cmd and start scripts through the shell with Node 22 on PATH', async () => {
    expect(await commandFor({ kind: 'cmd', command: 'node x.ts --fast' }, dir, noProgress)).toEqual({
      file: '/bin/sh',
      args: ['-c', 'node x.ts --fast'],
      display: 'node x.ts --fast',
      pathPrepend: nodeBins(dir),
    });
    expect((await commandFor({ kind: 'start-script', script: 'node app.ts' }, dir, noProgress)).display).toBe('npm start (node app.ts)');
  });

  it('runs main.py unbuffered with the environment interpreter', async () => {
    const command = await commandFor({ kind: 'main-py', requirements: null }, dir, noProgress);
    expect(command.args).toEqual(['-u', 'main.py']);
    expect(command.file).toMatch(/python[/\\][0-9a-f]{16}[/\\]bin[/\\]python$/);
    expect(command.pathPrepend).toEqual([path.dirname(command.file)]);
  });
});
