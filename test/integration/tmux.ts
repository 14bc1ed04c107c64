// A real terminal for tests: a tmux server on a private socket, one pane per window under
// test. Not a test file itself. Every server is killed by kill() (call it in afterAll).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export class Tmux {
  private readonly socket = `pmemstat-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private sessions = 0;
  private socketPath = '';

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Start `command` (run by sh) in a new session of width × height; returns the session name. */
  start(command: string, width: number, height: number, env: Record<string, string> = {}): string {
    const name = `w${++this.sessions}`;
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), ...envArgs, command);
    this.tmux('set-option', '-t', name, 'remain-on-exit', 'on');
    this.socketPath ||= this.format(name, 'socket_path');
    return name;
  }

  /** The screen as text, one string per row (trailing spaces kept off). */
  screen(name: string, escapes = false): string[] {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name).replace(/\n$/, '').split('\n');
  }

  /** Keys as tmux names them (`j`, `Escape`, `Enter`, `C-c`, `PageDown`) or literal text with `-l`. */
  keys(name: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', name, ...keys);
  }

  text(name: string, text: string): void {
    this.tmux('send-keys', '-t', name, '-l', text);
  }

  resize(name: string, width: number, height: number): void {
    this.tmux('resize-window', '-t', name, '-x', String(width), '-y', String(height));
  }

  /** A pane format variable: `alternate_on`, `cursor_flag`, `pane_pid`, `pane_dead` … */
  format(name: string, variable: string): string {
    return this.tmux('display-message', '-p', '-t', name, `#{${variable}}`).trim();
  }

  /** Poll the screen until `ok` holds (or fail with the last screen). */
  async waitFor(name: string, ok: (rows: string[]) => boolean, what: string, ms = 15_000): Promise<string[]> {
    const deadline = Date.now() + ms;
    let rows: string[] = [];
    for (;;) {
      rows = this.screen(name);
      if (ok(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${rows.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Close a session: its pane's terminal goes away (its processes get SIGHUP). */
  killSession(name: string): void {
    this.tmux('kill-session', '-t', name);
  }

  /** Kill the server (and with it every pane's processes) and remove its socket. */
  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      /* no server was started */
    }
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}
