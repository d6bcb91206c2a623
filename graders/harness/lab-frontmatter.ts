// The frontmatter of labs/<slug>/guide.mdx. One schema serves the site's content collection (a bad
// frontmatter fails `astro build`) and the CLI (`streamlab labs`, `check-labs`).
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const levels = ['beginner', 'intermediate', 'advanced'] as const;

export const labFrontmatter = z.object({
  /** Shown in the catalogue and as the page title. */
  title: z.string().min(3),
  level: z.enum(levels),
  /** Position on the ladder; unique across labs. */
  order: z.number().int().positive(),
  /** One sentence for the catalogue card. */
  summary: z.string().min(10),
  /** The concepts the lab teaches, in the order the guide introduces them. */
  teaches: z.array(z.string().min(2)).min(1),
  /** Hints revealed one at a time in the workspace panel. */
  hints: z.array(z.object({ title: z.string().min(2), body: z.string().min(10) })).min(1),
  /** Approximate time to complete, minutes. */
  minutes: z.number().int().positive(),
});

export type LabFrontmatter = z.infer<typeof labFrontmatter>;

/** Reads and validates a guide's frontmatter; the error names the file and every bad field. */
export async function readLabFrontmatter(guidePath: string): Promise<LabFrontmatter> {
  const text = await readFile(guidePath, 'utf8');
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!match) throw new Error(`${guidePath}: no frontmatter (a --- block at the top of the file)`);
  const parsed = labFrontmatter.safeParse(parseYaml(match[1] ?? ''));
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${guidePath}: bad frontmatter\n  ${fields.join('\n  ')}`);
  }
  return parsed.data;
}
