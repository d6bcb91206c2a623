// Keeps the built site (dist/) in step with its sources: `streamlab start` builds when the build is
// missing or older than any source, and says so, since a build takes a few seconds.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { labsDir, repoRoot } from '../../graders/paths.ts';

export const siteBuildDir = path.join(repoRoot, 'dist');
const builtFiles = [path.join(siteBuildDir, 'server', 'entry.mjs'), path.join(siteBuildDir, 'client', 'index.html')];

const mtime = async (file: string) => (await stat(file).catch(() => null))?.mtimeMs ?? null;

/** Parts of site/ that Astro does not build: the server, the bench, tests, the README. */
const notBuilt = (relative: string) => /^(server|bench)[/\\]/.test(relative) || relative.endsWith('.test.ts') || relative === 'README.md';

/** Newest modification time among the files the build reads. */
async function newestSource(): Promise<{ file: string; mtimeMs: number }> {
  const files = [
    path.join(repoRoot, 'astro.config.mjs'),
    path.join(repoRoot, 'package-lock.json'),
    path.join(repoRoot, 'graders', 'harness', 'lab-frontmatter.ts'),
  ];
  const siteDir = path.join(repoRoot, 'site');
  for (const e of await readdir(siteDir, { recursive: true, withFileTypes: true })) {
    const file = path.join(e.parentPath, e.name);
    if (e.isFile() && !notBuilt(path.relative(siteDir, file))) files.push(file);
  }
  for (const e of await readdir(labsDir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) files.push(path.join(labsDir, e.name, 'guide.mdx'));
  let newest = { file: '', mtimeMs: 0 };
  for (const file of files) {
    const m = await mtime(file);
    if (m !== null && m > newest.mtimeMs) newest = { file, mtimeMs: m };
  }
  return newest;
}

/** Why the site needs building, or null when dist/ is up to date. */
export async function buildNeeded(): Promise<string | null> {
  const built = await Promise.all(builtFiles.map(mtime));
  if (built.some((m) => m === null)) return 'no build yet';
  const source = await newestSource();
  const oldest = Math.min(...(built as number[]));
  return source.mtimeMs > oldest ? `${path.relative(repoRoot, source.file)} changed since the last build` : null;
}

/** Runs `astro build` into `outDir` (default dist/); on failure the error carries Astro's output. */
export async function buildSite(options: { outDir?: string; signal?: AbortSignal } = {}): Promise<void> {
  const args = ['build', ...(options.outDir ? ['--outDir', options.outDir] : [])];
  const result = await execa(path.join(repoRoot, 'node_modules', '.bin', 'astro'), args, {
    cwd: repoRoot,
    env: { ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    all: true,
    reject: false,
    cancelSignal: options.signal,
  });
  if (result.isCanceled) throw new Error('site build cancelled');
  if (result.failed) throw new Error(`the site build failed (astro build, exit ${result.exitCode}):\n${result.all ?? ''}`.trimEnd());
}
