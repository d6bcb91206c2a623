// Astro site: sources live in site/ (DESIGN.md §2); the Node adapter serves pages and the API routes.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';

export default defineConfig({
  srcDir: './site',
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  integrations: [mdx()],
  server: { host: '127.0.0.1' },
  telemetry: false,
});
