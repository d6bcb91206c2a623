// Where streamlab keeps things. Generated state lives under .streamlab/ at the repo root (DESIGN.md §2);
// STREAMLAB_STATE_DIR moves it (tests use this to keep their broker apart from a learner's).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is graders/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The generated-state folder: broker data and logs, workspaces, progress, grade results. */
export const stateDir = path.resolve(process.env.STREAMLAB_STATE_DIR ?? path.join(repoRoot, '.streamlab'));

/** The folder of lab definitions. */
export const labsDir = path.join(repoRoot, 'labs');
