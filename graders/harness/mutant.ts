// Mutants are known-wrong variants of a solution, stored as a patch: labs/<slug>/mutants/<name>/
// holds mutant.json and solution.patch (a unified diff against `base`, relative to the lab folder).
// Grading one builds the patched copy in a temporary folder inside the repository (so kafkajs
// still resolves from its node_modules) and deletes it afterwards.
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyPatch, parsePatch } from 'diff';
import { z } from 'zod';
import { stateDir } from '../paths.ts';
import { GradeInputError } from './submission.ts';

export const mutantManifest = z.object({
  /** The finding the mutant must fail with. */
  finding: z.string().min(1),
  description: z.string().min(1),
  /** The folder the patch applies to, relative to the lab folder, e.g. `solution/ts`. */
  base: z.string().min(1),
});
export type MutantManifest = z.infer<typeof mutantManifest>;

export interface MaterializedMutant {
  manifest: MutantManifest;
  /** The patched copy to run. */
  dir: string;
  remove(): Promise<void>;
}

const MANIFEST = 'mutant.json';
const PATCH = 'solution.patch';

/** True when `dir` is a mutant folder (it holds mutant.json). */
export async function isMutantDir(dir: string): Promise<boolean> {
  return (await stat(path.join(dir, MANIFEST)).catch(() => null))?.isFile() ?? false;
}

export async function readMutantManifest(dir: string): Promise<MutantManifest> {
  const file = path.join(dir, MANIFEST);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new GradeInputError(`${file}: ${(err as Error).message}`);
  }
  const parsed = mutantManifest.safeParse(json);
  if (!parsed.success) {
    throw new GradeInputError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

// `a/main.ts` → `main.ts`; /dev/null marks a created or deleted file.
const patchedPath = (name: string | undefined) => (name === undefined || name === '/dev/null' ? null : name.replace(/^[ab]\//, ''));

/** Copies the mutant's base into a temporary folder and applies its patch there. */
export async function materializeMutant(mutantDir: string): Promise<MaterializedMutant> {
  const manifest = await readMutantManifest(mutantDir);
  const labDir = path.resolve(mutantDir, '..', '..');
  const baseDir = path.resolve(labDir, manifest.base);
  if (!(await stat(baseDir).catch(() => null))?.isDirectory()) {
    throw new GradeInputError(`${path.join(mutantDir, MANIFEST)}: base folder ${baseDir} does not exist`);
  }
  const patchFile = path.join(mutantDir, PATCH);
  const patchText = await readFile(patchFile, 'utf8').catch(() => {
    throw new GradeInputError(`${patchFile} is missing`);
  });
  const filePatches = parsePatch(patchText);
  if (filePatches.length === 0 || filePatches.every((p) => p.hunks.length === 0)) throw new GradeInputError(`${patchFile} holds no hunks`);

  const parent = path.join(stateDir, 'tmp');
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(path.join(parent, `mutant-${path.basename(mutantDir)}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await cp(baseDir, dir, { recursive: true, filter: (source) => path.basename(source) !== 'node_modules' });
    for (const filePatch of filePatches) {
      const source = patchedPath(filePatch.oldFileName);
      const target = patchedPath(filePatch.newFileName);
      const original = source === null ? '' : await readFile(path.join(dir, source), 'utf8').catch(() => {
        throw new GradeInputError(`${patchFile}: ${source} does not exist in ${manifest.base}`);
      });
      const patched = applyPatch(original, filePatch);
      if (patched === false) throw new GradeInputError(`${patchFile} does not apply to ${manifest.base}/${source ?? target}: the base changed; regenerate the patch`);
      if (source !== null && source !== target) await rm(path.join(dir, source), { force: true });
      if (target !== null) {
        await mkdir(path.dirname(path.join(dir, target)), { recursive: true });
        await writeFile(path.join(dir, target), patched);
      }
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return { manifest, dir, remove };
}
