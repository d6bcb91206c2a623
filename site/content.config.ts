// Labs are discovered from labs/<slug>/guide.mdx and validated with the same frontmatter schema the
// CLI uses, so a bad guide fails `astro build` naming its file and field. Folders starting with "_"
// (templates) are skipped.
import { defineCollection } from 'astro/content/config';
import { glob } from 'astro/loaders';
import { labFrontmatter } from '../graders/harness/lab-frontmatter.ts';

const labs = defineCollection({
  loader: glob({
    pattern: '[!_]*/guide.mdx',
    base: './labs',
    // The entry id is the lab's slug: its folder name.
    generateId: ({ entry }) => entry.slice(0, entry.indexOf('/')),
  }),
  schema: labFrontmatter,
});

export const collections = { labs };
