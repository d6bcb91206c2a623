#!/usr/bin/env node
// Launcher for the `streamlab` CLI: plain JavaScript so that an old Node gets a clear message
// instead of a syntax error from the TypeScript sources it cannot strip.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `streamlab needs Node.js 22.12 or newer; this is ${process.version}.\n` +
      'Run it through npm (`npm start`, `npx streamlab …`), which puts the Node 22 that `npm install` ' +
      'placed in node_modules/.bin first on PATH, or install Node 22.',
  );
  process.exit(2);
}
await import('./streamlab.ts');
