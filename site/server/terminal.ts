// The learner terminal: one bash per WebSocket, in the lab's workspace, with the broker and the
// lab's topics in its environment (DESIGN.md §8). Text frames are terminal data both ways; binary
// frames from the page are control messages or raw input bytes (shared/protocol.ts). Closing the
// socket ends the shell and everything it started.
import { spawn, type IPty } from '@lydell/node-pty';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebSocket } from 'ws';
import { repoRoot, stateDir } from '../../graders/paths.ts';
import { controlFrameMarker, type TerminalControl, type WorkspaceInfo } from '../shared/protocol.ts';
import { killProcessTree } from './process-tree.ts';

const rcFile = fileURLToPath(new URL('terminal.bashrc', import.meta.url));
const historyDir = path.join(stateDir, 'terminal-history');
/** Pause the shell's output while this much is queued towards a slow page. */
const highWaterBytes = 1 << 20;

interface Session {
  lab: string;
  pty: IPty;
  socket: WebSocket;
}

const clampSize = (n: unknown, fallback: number) => (Number.isInteger(n) && (n as number) >= 2 && (n as number) <= 1000 ? (n as number) : fallback);

export class Terminals {
  /** The Kafka CLI wrappers and `streamlab`, first on the shell's PATH. */
  private readonly binDir: string;
  private readonly sessions = new Set<Session>();
  private closed = false;

  constructor(binDir: string) {
    this.binDir = binDir;
  }

  async open(socket: WebSocket, lab: string, workspace: WorkspaceInfo, size: { cols?: number; rows?: number }): Promise<void> {
    await mkdir(historyDir, { recursive: true });
    // No new shells once closeAll ran: nothing would stop them.
    if (this.closed) throw new Error('the server is stopping');
    const pty = spawn('bash', ['--noprofile', '--rcfile', rcFile, '-i'], {
      name: 'xterm-256color',
      cols: clampSize(size.cols, 100),
      rows: clampSize(size.rows, 30),
      cwd: workspace.dir,
      env: terminalEnv(lab, workspace, this.binDir),
    });
    const session: Session = { lab, pty, socket };
    this.sessions.add(session);

    let paused = false;
    const resumeWhenDrained = () => {
      if (socket.bufferedAmount > highWaterBytes / 4) return void setTimeout(resumeWhenDrained, 20);
      paused = false;
      pty.resume();
    };
    pty.onData((data) => {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(data);
      if (!paused && socket.bufferedAmount > highWaterBytes) {
        paused = true;
        pty.pause();
        setTimeout(resumeWhenDrained, 20);
      }
    });
    // A shell that exits may leave background jobs behind: end() stops them too.
    pty.onExit(({ exitCode, signal }) => void this.end(session, signal ? `shell ended by signal ${signal}` : `shell exited with code ${exitCode}`, 1000));
    socket.on('message', (data, isBinary) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (!isBinary) pty.write(bytes.toString('utf8'));
      else if (bytes[0] === controlFrameMarker) applyControl(pty, bytes.subarray(1));
      else pty.write(bytes.toString('latin1')); // node-pty takes strings only
    });
    socket.on('close', () => void this.end(session));
  }

  /** Ends every shell of `lab` (after a workspace reset), telling the page why. */
  async closeLab(lab: string, reason: string): Promise<void> {
    await Promise.all([...this.sessions].filter((s) => s.lab === lab).map((s) => this.end(s, reason)));
  }

  async closeAll(reason: string): Promise<number> {
    this.closed = true;
    const all = [...this.sessions];
    await Promise.all(all.map((s) => this.end(s, reason)));
    return all.length;
  }

  private async end(session: Session, reason = 'page closed', code = 1001): Promise<void> {
    if (!this.sessions.delete(session)) return;
    if (session.socket.readyState === session.socket.OPEN) session.socket.close(code, reason);
    await killProcessTree(session.pty.pid);
  }
}

function applyControl(pty: IPty, json: Buffer): void {
  let message: TerminalControl;
  try {
    message = JSON.parse(json.toString('utf8')) as TerminalControl;
  } catch {
    return; // A malformed control frame changes nothing; input is never dropped because of it.
  }
  if (message.type === 'resize') pty.resize(clampSize(message.cols, pty.cols), clampSize(message.rows, pty.rows));
}

function terminalEnv(lab: string, workspace: WorkspaceInfo, binDir: string): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    ...inherited,
    ...workspace.env,
    KAFKA_BROKERS: workspace.brokers.join(','),
    PATH: [binDir, path.join(repoRoot, 'node_modules', '.bin'), process.env.PATH ?? ''].join(path.delimiter),
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    STREAMLAB_LAB: lab,
    STREAMLAB_LAB_VARS: Object.keys(workspace.env).join(' '),
    STREAMLAB_WORKSPACE: workspace.dir,
    STREAMLAB_HISTFILE: path.join(historyDir, lab),
  };
}
