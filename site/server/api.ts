// The HTTP API behind the lab pages. Every route is a POST (browsers then always send Origin, which
// the server checks before calling in here); the lab comes as ?lab=<slug>.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { labsDir } from '../../graders/paths.ts';
import type { GradeStreamEvent, LabState, SolutionFile } from '../shared/protocol.ts';
import { markStarted, readLastReport, readProgress } from './progress-store.ts';
import { GradingBusyError, type Gradings } from './gradings.ts';
import { UnknownLabError, type Workspaces } from './workspaces.ts';
import type { Terminals } from './terminal.ts';

export interface ApiContext {
  workspaces: Workspaces;
  gradings: Gradings;
  terminals: Terminals;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

type Route = (ctx: ApiContext, lab: string, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const routes: Record<string, Route> = {
  '/api/progress': async (_ctx, _lab, _req, res) => sendJson(res, 200, await readProgress()),

  '/api/lab': async (ctx, lab, _req, res) => {
    const workspace = await ctx.workspaces.ensure(lab);
    const progress = await markStarted(lab);
    const state: LabState = { progress, report: await readLastReport(lab), grading: ctx.gradings.isRunning(lab), workspace };
    sendJson(res, 200, state);
  },

  '/api/grade': async (ctx, lab, _req, res) => {
    const workspace = await ctx.workspaces.ensure(lab);
    await markStarted(lab);
    const stop = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) stop.abort(new Error('the page stopped listening'));
    });
    const emit = (event: GradeStreamEvent) => {
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
      res.write(`${JSON.stringify(event)}\n`);
    };
    try {
      await ctx.gradings.run(lab, workspace.dir, emit, stop.signal);
    } catch (err) {
      if (err instanceof GradingBusyError) return sendJson(res, 409, { error: err.message });
      if (!stop.signal.aborted) emit({ type: 'error', message: (err as Error).message });
    }
    res.end();
  },

  '/api/solution': async (_ctx, lab, _req, res) => {
    const progress = (await readProgress()).labs[lab];
    if (progress?.status !== 'passed') return sendJson(res, 403, { error: `the reference solution of ${lab} unlocks after your workspace passes the grader` });
    sendJson(res, 200, { files: await readSolution(path.join(labsDir, lab, 'solution', 'ts')) });
  },

  '/api/reset': async (ctx, lab, _req, res) => {
    await ctx.terminals.closeLab(lab, 'workspace was reset');
    sendJson(res, 200, { backup: await ctx.workspaces.reset(lab) });
  },
};

/** Handles a request under /api/ (already checked for token and Origin). */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = routes[url.pathname];
  if (!route) return sendJson(res, 404, { error: `no API route ${url.pathname}` });
  if (req.method !== 'POST') return sendJson(res, 405, { error: `${url.pathname} takes POST` }, { allow: 'POST' });
  const lab = url.searchParams.get('lab') ?? '';
  try {
    if (url.pathname !== '/api/progress') await ctx.workspaces.checkLab(lab);
    await route(ctx, lab, req, res);
  } catch (err) {
    const status = err instanceof UnknownLabError ? 404 : 500;
    if (!res.headersSent) sendJson(res, status, { error: (err as Error).message });
    else res.end();
  }
}

/** Text files of a solution folder, paths relative to it (dependencies and caches left out). */
async function readSolution(dir: string): Promise<SolutionFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !path.relative(dir, file).split(path.sep).some((part) => part === 'node_modules' || part === '__pycache__'))
    .sort();
  return Promise.all(files.map(async (file) => ({ path: path.relative(dir, file), content: await readFile(file, 'utf8') })));
}
