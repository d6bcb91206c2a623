// What the page and the site server say to each other: routes, headers, message shapes, the words
// for lab statuses. Imported by both sides (no Node or DOM imports here).
import type { GradeProgress, GradeReport } from '../../graders/harness/report-schema.ts';

/** Header carrying the launch token on API calls (WebSockets carry it as ?token=). */
export const tokenHeader = 'x-streamlab-token';
/** Set on a 403 that refuses the launch token or the Origin, so the page can tell it from other 403s. */
export const refusedHeader = 'x-streamlab-refused';
/** WebSocket close code for a refused token or Origin (the reason says which). */
export const refusedCloseCode = 4403;

/** Terminal socket: text frames both ways are terminal data. A binary frame from the page whose
 *  first byte is 0x00 is a control message (UTF-8 JSON after that byte); other binary frames are
 *  input bytes (xterm's attach addon sends some mouse reports that way). */
export const controlFrameMarker = 0x00;
export type TerminalControl = { type: 'resize'; cols: number; rows: number };

export type LabStatus = 'not-started' | 'in-progress' | 'passed';
/** How the pages word each status (catalogue badges and the lab page's badge). */
export const statusLabels: Record<LabStatus, string> = { 'not-started': 'not started', 'in-progress': 'in progress', passed: 'passed' };

export interface LabProgress {
  status: Exclude<LabStatus, 'not-started'>;
  attempts: number;
  lastVerdict: GradeReport['verdict'] | null;
  startedAt: string;
  lastGradedAt: string | null;
  passedAt: string | null;
}

/** Contents of .streamlab/progress.json. */
export interface ProgressFile {
  version: 1;
  labs: Record<string, LabProgress>;
}

/** The workspace the terminal, grader and dashboard of one lab share. */
export interface WorkspaceInfo {
  dir: string;
  brokers: string[];
  /** The workspace's topics on the broker. */
  topics: string[];
  /** Environment the terminal gets for the lab's topics: INPUT_TOPIC → topic name, GROUP_ID → …. */
  env: Record<string, string>;
}

/** Answer of POST /api/lab?lab=… */
export interface LabState {
  progress: LabProgress | null;
  report: GradeReport | null;
  grading: boolean;
  workspace: WorkspaceInfo;
}

/** Lines of the POST /api/grade stream (newline-delimited JSON). */
export type GradeStreamEvent = GradeProgress | { type: 'error'; message: string };

export interface SolutionFile {
  path: string;
  content: string;
}

/** One window row of the clickstream output, last value per key. */
export interface WindowCount {
  url: string;
  windowStart: number;
  windowEnd: number;
  count: number;
}

/** Messages on the dashboard socket (server to page, JSON text frames). */
export type DashboardMessage =
  | { type: 'topic'; topic: string }
  | { type: 'rows'; rows: WindowCount[] }
  | { type: 'skipped'; count: number }
  | { type: 'error'; message: string };
