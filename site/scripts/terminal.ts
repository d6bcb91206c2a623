// The in-page terminal: xterm.js attached to /api/terminal (a bash in the lab's workspace on the
// server). Text frames carry terminal data both ways; resizes go as binary control frames (see
// shared/protocol.ts). When the shell ends or the socket drops, Enter opens a new shell.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { AttachAddon } from '@xterm/addon-attach';
import '@xterm/xterm/css/xterm.css';
import { socketUrl, showTokenProblem } from './session.ts';
import { controlFrameMarker, refusedCloseCode, type TerminalControl } from '../shared/protocol.ts';

export interface TerminalHandle {
  readonly term: Terminal;
  /** Closes the current shell (if any) and opens a new one. */
  reconnect(): void;
}

declare global {
  interface Window {
    /** The terminal and its connection state, for the browser tests and the site bench. */
    streamlabTerminal?: { term: Terminal; connected: boolean };
  }
}

const theme = {
  background: '#0e1116',
  foreground: '#d8dee9',
  cursor: '#5ea2f0',
  selectionBackground: '#33415580',
};

export function mountTerminal(box: HTMLElement, lab: string, onStatus: (text: string) => void): TerminalHandle {
  const term = new Terminal({
    fontFamily: "ui-monospace, 'SF Mono', 'Cascadia Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    fontSize: 13,
    cursorBlink: true,
    scrollback: 5000,
    theme,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(box);
  fit.fit();
  const hook = { term, connected: false };
  window.streamlabTerminal = hook;

  let socket: WebSocket | null = null;
  let attach: AttachAddon | null = null;
  let waitingForEnter = false;

  const sendControl = (message: TerminalControl) => {
    if (socket?.readyState !== WebSocket.OPEN) return;
    const json = new TextEncoder().encode(JSON.stringify(message));
    const frame = new Uint8Array(json.length + 1);
    frame[0] = controlFrameMarker;
    frame.set(json, 1);
    socket.send(frame);
  };

  const connect = () => {
    waitingForEnter = false;
    onStatus('Connecting…');
    const ws = new WebSocket(socketUrl('/api/terminal', { lab, cols: String(term.cols), rows: String(term.rows) }));
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('open', () => {
      // The attach addon throws if the user types while the socket is still connecting.
      attach = new AttachAddon(ws);
      term.loadAddon(attach);
      hook.connected = true;
      onStatus('Shell connected');
      sendControl({ type: 'resize', cols: term.cols, rows: term.rows });
      term.focus();
    });
    ws.addEventListener('close', (event) => {
      if (socket !== ws) return;
      attach?.dispose();
      attach = null;
      socket = null;
      hook.connected = false;
      const why = event.reason || (event.code === 1006 ? 'connection lost' : 'shell ended');
      onStatus(`Disconnected: ${why}`);
      if (event.code === refusedCloseCode) {
        showTokenProblem();
        term.write(`\r\n\x1b[2m[${why}]\x1b[0m\r\n`);
        return;
      }
      term.write(`\r\n\x1b[2m[${why}; press Enter for a new shell]\x1b[0m\r\n`);
      waitingForEnter = true;
    });
  };

  term.onData((data) => {
    if (waitingForEnter && data === '\r') connect();
  });
  term.onResize(({ cols, rows }) => sendControl({ type: 'resize', cols, rows }));
  new ResizeObserver(() => fit.fit()).observe(box);
  connect();

  return {
    term,
    reconnect: () => {
      const old = socket;
      socket = null;
      attach?.dispose();
      attach = null;
      old?.close(1000, 'reconnecting');
      term.reset();
      connect();
    },
  };
}
