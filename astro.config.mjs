// Astro site: sources live in site/ (DESIGN.md §2). Every page is prerendered; the Node adapter's
// handler serves them, and site/server/ wraps it with the API and the terminal WebSocket.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  integrations: [mdx()],
  server: { host: '127.0.0.1' },
  telemetry: false,
  markdown: {
    // Both themes are emitted; global.css picks one with prefers-color-scheme.
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } },
  },
});
