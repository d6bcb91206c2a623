import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMutantDir, materializeMutant } from './mutant.ts';

// A lab folder with a base solution and one mutant, as labs/<slug>/ lays them out.
let lab: string;
const mutantDir = () => path.join(lab, 'mutants', 'inclusive-end');
const writeIn = async (file: string, text: string) => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
};
const patch = [
  '--- a/windows.ts',
  '+++ b/windows.ts',
  '@@ -1,3 +1,3 @@',
  ' const size = 60000;',
  '-const inWindow = (ts: number, end: number) => ts < end;',
  '+const inWindow = (ts: number, end: number) => ts <= end;',
  ' export { size, inWindow };',
  '',
].join('\n');

beforeEach(async () => {
  lab = await mkdtemp(path.join(tmpdir(), 'streamlab-lab-'));
  await writeIn(path.join(lab, 'solution', 'ts', 'windows.ts'), 'const size = 60000;\nconst inWindow = (ts: number, end: number) => ts < end;\nexport { size, inWindow };\n');
  await writeIn(path.join(lab, 'solution', 'ts', 'main.ts'), 'import "./windows.ts";\n');
  await writeIn(path.join(mutantDir(), 'mutant.json'), JSON.stringify({ finding: 'WRONG_VALUE', description: 'window end counted as inside', base: 'solution/ts' }));
  await writeIn(path.join(mutantDir(), 'solution.patch'), patch);
});
afterEach(async () => {
  await rm(lab, { recursive: true, force: true });
});

describe('materializeMutant', () => {
  it('copies the base and applies the patch in a folder it removes afterwards', async () => {
    expect(await isMutantDir(mutantDir())).toBe(true);
    expect(await isMutantDir(path.join(lab, 'solution', 'ts'))).toBe(false);
    const mutant = await materializeMutant(mutantDir());
    expect(mutant.manifest.finding).toBe('WRONG_VALUE');
    expect(await readFile(path.join(mutant.dir, 'windows.ts'), 'utf8')).toContain('ts <= end');
    expect(await readFile(path.join(mutant.dir, 'main.ts'), 'utf8')).toBe('import "./windows.ts";\n');
    expect(await readFile(path.join(lab, 'solution', 'ts', 'windows.ts'), 'utf8')).toContain('ts < end');
    await mutant.remove();
    expect(await stat(mutant.dir).catch(() => null)).toBeNull();
  });

  it('fails clearly when the patch no longer applies to the base', async () => {
    await writeFile(path.join(lab, 'solution', 'ts', 'windows.ts'), 'const size = 30000;\n');
    await expect(materializeMutant(mutantDir())).rejects.toThrow(/solution.patch does not apply to solution\/ts\/windows.ts/);
  });

  it('names the bad field of mutant.json', async () => {
    await writeFile(path.join(mutantDir(), 'mutant.json'), JSON.stringify({ description: 'x', base: 'solution/ts' }));
    await expect(materializeMutant(mutantDir())).rejects.toThrow(/mutant.json: finding:/);
  });
});
