// The lab registry: every labs/<slug>/ with a guide.mdx is a lab (folders starting with "_" are
// templates, as in the site's content collection). Its grader is labs/<slug>/grader.ts, loaded
// on demand, so listing labs never runs grader code.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { labsDir } from '../paths.ts';
import type { LabDefinition } from './lab-definition.ts';
import { readLabFrontmatter } from './lab-frontmatter.ts';
import type { LabFrontmatter } from './lab-frontmatter.ts';

export interface LabEntry extends LabFrontmatter {
  slug: string;
  dir: string;
}

/** An unknown lab or a grader.ts that does not load or does not export a lab definition. */
class LabError extends Error {
  override name = 'LabError';
}

const isFile = async (file: string) => (await stat(file).catch(() => null))?.isFile() ?? false;

/** Slugs of the folders under labs/ that hold a guide.mdx, sorted by name. */
export async function labSlugs(root = labsDir): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const slugs: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith('_') && (await isFile(path.join(root, entry.name, 'guide.mdx')))) slugs.push(entry.name);
  }
  return slugs.sort();
}

/** Every lab with its validated frontmatter, in ladder order. A bad frontmatter throws, naming
 *  the file and the fields. */
export async function listLabs(root = labsDir): Promise<LabEntry[]> {
  const labs = await Promise.all(
    (await labSlugs(root)).map(async (slug) => {
      const dir = path.join(root, slug);
      return { slug, dir, ...(await readLabFrontmatter(path.join(dir, 'guide.mdx'))) };
    }),
  );
  return labs.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

function looksLikeLab(value: unknown): value is LabDefinition {
  const v = value as Partial<LabDefinition> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.slug === 'string' &&
    typeof v.topics === 'object' &&
    Array.isArray(v.scenarios) &&
    typeof v.judge === 'function' &&
    typeof v.expectedCounts === 'function' &&
    typeof v.starterFinding === 'string'
  );
}

/** Loads labs/<slug>/grader.ts (its default export). */
export async function loadLab(slug: string, root = labsDir): Promise<LabDefinition> {
  const known = await labSlugs(root);
  if (!known.includes(slug)) {
    throw new LabError(`unknown lab '${slug}'; known labs: ${known.length > 0 ? known.join(', ') : `none (no labs/<slug>/guide.mdx under ${root})`}`);
  }
  const file = path.join(root, slug, 'grader.ts');
  if (!(await isFile(file))) throw new LabError(`${file} is missing: every lab needs a grader.ts whose default export is defineLab({...})`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new LabError(`${file} failed to load: ${(err as Error).message}`);
  }
  const lab = module.default;
  if (!looksLikeLab(lab)) throw new LabError(`${file}: the default export is not a lab definition (export default defineLab({...}))`);
  if (lab.slug !== slug) throw new LabError(`${file}: slug '${lab.slug}' does not match its folder '${slug}'`);
  const outputs = Object.values(lab.topics).filter((t) => t.role === 'output');
  if (!Object.values(lab.topics).some((t) => t.role === 'input') || outputs.length === 0) {
    throw new LabError(`${file}: a lab needs at least one input and one output topic`);
  }
  return lab;
}
