// The sampler helper (docs/protocol.md): `dist/sampler.js --serve` speaks NDJSON on stdio;
// `--connect DIR --uid UID` connects back to the host's Unix socket in DIR (the
// @vscode/sudo-prompt path) once it has made sure the server is that user's
// (connectBack.ts), and proves itself with the one-time token of DIR/token. Every request line gets
// exactly one reply; the helper never runs a shell, and exits when its input closes or
// its parent dies. Protocol: src/shared/protocol.ts, docs/protocol.md.
import type { Readable, Writable } from 'node:stream';
import { version } from '../../package.json';
import type { Report } from '../core/types';
import { Monitor } from '../engine/monitor';
import { minDeltaOf, type EngineOptions } from '../shared/engineOptions';
import { boundReport, REPLY_TEXT_BUDGET } from '../core/replyBound';
import {
  CAPABILITIES,
  defaultHelperConfig,
  HELPER_CONFIG_KEYS,
  LineSplitter,
  MAX_REQUEST_BYTES,
  parseRequest,
  PROTOCOL_VERSION,
  type HelloInfo,
  type HelperConfig,
  type LineEvent,
  type Reply,
  type Request,
  toWireReport,
} from '../shared/protocol';
import { ConnectRefused, connectBack } from './connectBack';
import { killProcesses, type KillOptions } from './kill';
import { readProcessMapsYielding } from './maps';
import { readRecording } from '../recorder/recordingRead';
import { readRecordingSeries } from '../recorder/seriesRead';
import { openWasmDb } from '../recorder/wasmDb';

export interface HelperServerOptions {
  /** Root of the /proc tree to sample (tests); '/' for the live system. Kill always acts on the live system. */
  root: string;
  /** Kill timings (tests shorten them). */
  kill?: Omit<KillOptions, 'escalate'>;
}

/** The protocol engine, free of any transport: lines in, replies out. */
export class HelperServer {
  private readonly monitor: Monitor;
  private seq = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly send: (reply: Reply) => void,
    private readonly opts: HelperServerOptions = { root: '/' },
  ) {
    // The host keeps the history and the leak verdicts: the helper only samples and reports.
    this.monitor = new Monitor(defaultHelperConfig(), { roots: [opts.root], history: false });
  }

  helloInfo(): HelloInfo {
    return {
      version,
      protocol: PROTOCOL_VERSION,
      uid: process.getuid?.() ?? -1,
      pid: process.pid,
      capabilities: [...CAPABILITIES],
    };
  }

  /** Requests being served (kills), whose replies are still to come. */
  get busy(): number {
    return this.inFlight;
  }

  /** Lines received so far. */
  get lines(): number {
    return this.seq;
  }

  /** Resolves when no request is being served (for a clean exit after the input closed). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((res) => this.idleWaiters.push(res));
  }

  /** Release the Monitor's kept fds and workers; an in-process caller (a test, an embedding) would leak them per server otherwise. */
  close(): void {
    this.monitor.close();
  }

  /** Serve one line (or the notice of an oversized one). */
  handle(ev: LineEvent): void {
    const seq = ++this.seq;
    if ('tooLong' in ev) {
      this.send({
        type: 'error',
        id: null,
        seq,
        code: 'too-long',
        message: `line of ${ev.tooLong} bytes is longer than the limit of ${MAX_REQUEST_BYTES} bytes`,
      });
      return;
    }
    const p = parseRequest(ev.line);
    if (!p.ok) {
      this.send({ type: 'error', id: p.id, seq, code: p.code, message: p.message });
      return;
    }
    const r = p.request;
    let result: Reply | Promise<Reply>;
    try {
      result = this.serve(r, seq);
    } catch (e) {
      result = this.failure(r, seq, e);
    }
    if (!(result instanceof Promise)) {
      this.send(result);
      return;
    }
    // Kill takes seconds: its reply comes when it is done; other requests go on meanwhile.
    this.inFlight++;
    void result
      .catch((e: unknown) => this.failure(r, seq, e))
      .then((reply) => {
        this.send(reply);
        if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
  }

  private failure(r: Request, seq: number, e: unknown): Reply {
    return { type: 'error', id: r.id, seq, code: 'failed', message: `${r.type} failed: ${e instanceof Error ? e.message : String(e)}` };
  }

  private serve(r: Request, seq: number): Reply | Promise<Reply> {
    switch (r.type) {
      case 'hello':
        return { type: 'hello', id: r.id, seq, hello: this.helloInfo() };
      case 'ping':
        return { type: 'ping', id: r.id, seq };
      case 'configure':
        this.monitor.configure(r.config);
        return { type: 'configure', id: r.id, seq, config: helperConfigOf(this.monitor.options) };
      case 'sample': {
        const t0 = performance.now();
        const reply = (report: Report): Reply => ({
          type: 'sample',
          id: r.id,
          seq,
          report: toWireReport(boundReport(report, REPLY_TEXT_BUDGET)),
          ms: Math.round((performance.now() - t0) * 1000) / 1000,
        });
        // Synchronous unless new processes are many enough to read on every core.
        const report = this.monitor.tickSoon();
        return report instanceof Promise ? report.then(reply) : reply(report);
      }
      case 'maps':
        return readProcessMapsYielding(this.monitor.root, r.pid, r.starttime).then((result): Reply => ({ type: 'maps', id: r.id, seq, result }));
      case 'recording':
        return readRecording(r, this.monitor.options, openWasmDb).then(
          (result): Reply => ({ type: 'recording', id: r.id, seq, result: result.ok ? { ...result, report: toWireReport(boundReport(result.report, REPLY_TEXT_BUDGET)) } : result }),
        );
      case 'recordingSeries':
        return readRecordingSeries(r, this.monitor.options, openWasmDb).then((result): Reply => ({ type: 'recordingSeries', id: r.id, seq, result }));
      case 'kill':
        return killProcesses(r.targets, { ...this.opts.kill, escalate: r.escalate, signal: r.signal }).then(
          (results): Reply => ({ type: 'kill', id: r.id, seq, results }),
        );
    }
  }
}

/** The helper configuration in force: the helper’s share of the engine’s options. */
function helperConfigOf(o: Readonly<EngineOptions>): HelperConfig {
  const c = Object.fromEntries(HELPER_CONFIG_KEYS.map((k) => [k, k === 'filter' ? [...o.filter] : o[k]])) as Omit<HelperConfig, 'minDeltaKb'>;
  return { ...c, minDeltaKb: minDeltaOf(o) };
}

/** Requests served at once (kills take seconds); more wait, unread, in the input. */
export const MAX_IN_FLIGHT = 4;

/**
 * Run a HelperServer over a byte stream pair until the input ends. Sends the hello first
 * (with the token, on the connect-back path). Resolves when the input has ended, the
 * requests in flight were answered and the output was flushed.
 *
 * Backpressure: a sample reply can be hundreds of KB and one 64 KB input chunk holds
 * thousands of requests, so lines are served one at a time, and only while the output is
 * not full and fewer than MAX_IN_FLIGHT requests are in flight; meanwhile the input is
 * paused. A client that writes without reading therefore holds the helper at one
 * unsent reply (plus the kills in flight), not one per request.
 */
export function serveStreams(input: Readable, output: Writable, opts: HelperServerOptions & { token?: string }): Promise<void> {
  return new Promise((resolve) => {
    let inputDone = false;
    let closing = false;
    // Lines split from the last chunk, not yet served (at most one chunk's worth: the input
    // stays paused while any are left).
    let queue: LineEvent[] = [];
    let head = 0;
    let scheduled = false;
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        pump();
      });
    };
    const write = (reply: Reply) => {
      if (output.writableEnded || output.destroyed) return;
      output.write(JSON.stringify(reply) + '\n');
      // A kill that finished frees a slot.
      if (head < queue.length || inputDone) schedule();
    };
    const server = new HelperServer(write, opts);
    const splitter = new LineSplitter(MAX_REQUEST_BYTES);
    const pump = () => {
      while (head < queue.length && !output.writableNeedDrain && server.busy < MAX_IN_FLIGHT) server.handle(queue[head++]);
      if (head < queue.length) {
        input.pause();
        return;
      }
      queue = [];
      head = 0;
      if (!inputDone) {
        input.resume();
        return;
      }
      if (closing) return;
      closing = true;
      void server.idle().then(() => {
        server.close();
        if (output === process.stdout) output.write('', () => resolve());
        else output.end(() => resolve());
      });
    };
    output.on('drain', pump);
    const hello: Reply = { type: 'hello', id: null, seq: 0, hello: server.helloInfo() };
    if (opts.token !== undefined) hello.token = opts.token;
    write(hello);
    input.on('data', (chunk: Buffer | string) => {
      for (const ev of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) queue.push(ev);
      pump();
    });
    const finish = () => {
      if (inputDone) return;
      inputDone = true;
      // An unterminated last line is still a line.
      if (splitter.pending > 0) for (const ev of splitter.push(Buffer.from('\n'))) queue.push(ev);
      pump();
    };
    input.on('end', finish);
    input.on('close', finish);
    input.on('error', finish);
    output.on('error', () => {
      server.close();
      resolve();
    });
  });
}

/** Exit when the process that started us is gone (we were reparented). */
export function watchParent(onOrphan: () => void, everyMs = 1000): NodeJS.Timeout {
  const ppid0 = process.ppid;
  const t = setInterval(() => {
    if (process.ppid !== ppid0) onOrphan();
  }, everyMs);
  t.unref();
  return t;
}

const USAGE = 'usage: sampler.js --serve [--root DIR] | --connect DIR --uid UID [--root DIR]';

/** Entry of `--serve` / `--connect`; resolves with the exit status. */
export async function runServe(argv: readonly string[]): Promise<number> {
  let mode: 'serve' | 'connect' | null = null;
  let dir = '';
  let uidArg: string | null = null;
  let root = '/';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--serve' && mode === null) mode = 'serve';
    else if (a === '--connect' && mode === null && i + 1 < argv.length) {
      mode = 'connect';
      dir = argv[++i];
    } else if (a === '--uid' && uidArg === null && i + 1 < argv.length) uidArg = argv[++i];
    else if (a === '--root' && i + 1 < argv.length) root = argv[++i];
    else {
      process.stderr.write(`pmemstat helper: unexpected argument ${JSON.stringify(a)}\n${USAGE}\n`);
      return 2;
    }
  }
  const exit = (code: number) => process.exit(code);
  watchParent(() => exit(0));
  process.on('SIGHUP', () => exit(0));

  if (mode === 'serve' && uidArg === null) {
    await serveStreams(process.stdin, process.stdout, { root });
    return 0;
  }
  if (mode !== 'connect' || uidArg === null || !/^\d{1,10}$/.test(uidArg)) {
    process.stderr.write(`pmemstat helper: ${mode === 'connect' ? '--connect needs --uid UID' : mode === 'serve' ? '--uid goes with --connect' : 'no mode given'}\n${USAGE}\n`);
    return 2;
  }
  const uid = Number(uidArg);
  // pkexec and sudo say who asked; when they do, it must be the uid the host named.
  for (const k of ['PKEXEC_UID', 'SUDO_UID']) {
    const v = process.env[k];
    if (v !== undefined && v !== String(uid)) {
      process.stderr.write(`pmemstat helper: refusing to connect back: --uid ${uid} but ${k}=${JSON.stringify(v.slice(0, 20))}\n`);
      return 4;
    }
  }
  let conn: Awaited<ReturnType<typeof connectBack>>;
  try {
    conn = await connectBack(dir, uid);
  } catch (e) {
    const why = e instanceof ConnectRefused ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`pmemstat helper: refusing to connect back: ${why}\n`);
    return 4;
  }
  await serveStreams(conn.sock, conn.sock, { root, token: conn.token });
  return 0;
}
