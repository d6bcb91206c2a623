// `streamlab labs [--json]`: the lab ladder (slug, title, level), in order.
import type { Command } from 'commander';
import { listLabs } from '../../harness/labs.ts';

export function register(program: Command): void {
  program
    .command('labs')
    .description('list the labs, in ladder order')
    .option('--json', 'print JSON: [{"slug","title","level","order","summary","minutes"}]')
    .action(async (flags: { json?: boolean }) => {
      let labs;
      try {
        labs = await listLabs();
      } catch (err) {
        process.stderr.write(`streamlab labs: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (flags.json) {
        const rows = labs.map(({ slug, title, level, order, summary, minutes }) => ({ slug, title, level, order, summary, minutes }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (labs.length === 0) {
        process.stdout.write('no labs yet (labs/<slug>/guide.mdx)\n');
        return;
      }
      const slugWidth = Math.max(...labs.map((l) => l.slug.length));
      const levelWidth = Math.max(...labs.map((l) => l.level.length));
      for (const lab of labs) process.stdout.write(`${lab.slug.padEnd(slugWidth)}  ${lab.level.padEnd(levelWidth)}  ${lab.title}\n`);
    });
}
