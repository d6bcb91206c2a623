// A lab guide with bad frontmatter must fail `astro build` with a message naming the file and each
// bad field. Builds a temporary copy of the site with one broken guide (the real labs/ is not touched).
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { repoRoot } from '../graders/paths.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'streamlab-content-'));
  for (const part of ['site', 'astro.config.mjs', 'package.json', 'tsconfig.json', 'graders/harness/lab-frontmatter.ts']) {
    await cp(path.join(repoRoot, part), path.join(root, part), { recursive: true });
  }
  // A node_modules of links, so Astro's cache (node_modules/.astro) stays inside the copy.
  await mkdir(path.join(root, 'node_modules'));
  for (const name of await readdir(path.join(repoRoot, 'node_modules'))) {
    if (name !== '.astro') await symlink(path.join(repoRoot, 'node_modules', name), path.join(root, 'node_modules', name));
  }
  await mkdir(path.join(root, 'labs', 'broken'), { recursive: true });
  await writeFile(
    path.join(root, 'labs', 'broken', 'guide.mdx'),
    ['---', 'title: Broken lab', 'level: expert', 'order: 20', 'summary: A lab whose frontmatter is wrong on purpose.', 'teaches: [nothing]', 'hints: []', 'minutes: 5', '---', 'Body', ''].join('\n'),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a guide with bad frontmatter fails the build, naming the file and every bad field', async () => {
  const result = await execa(path.join(repoRoot, 'node_modules', '.bin', 'astro'), ['build'], {
    cwd: root,
    env: { ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    all: true,
    reject: false,
  });
  expect(result.exitCode).not.toBe(0);
  expect(result.all).toContain(path.join(root, 'labs', 'broken', 'guide.mdx'));
  expect(result.all).toMatch(/level: Invalid option: expected one of "beginner"\|"intermediate"\|"advanced"/);
  expect(result.all).toMatch(/hints: Too small: expected array to have >=1 items/);
});
