// The extension host's end of the helper protocol (src/shared/protocol.ts): request/reply
// matching by id, run-time validation of every reply, and the helper's lifetime.
// No `vscode` import: tested under vitest.
import type { ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { Report } from '../core/types';
import {
  LineSplitter,
  MAX_REPLY_BYTES,
  PROTOCOL_VERSION,
  parseReply,
  isRequestId,
  type HelloInfo,
  type HelperConfig,
  type KillResult,
  type KillTarget,
  type MapsResult,
  type Reply,
  type Request,
  fromWireReport,
} from '../shared/protocol';
import { DEFAULT_KILL_SIGNAL, killTargetsCheck, type KillSignal } from '../shared/kill';
import { explain, isObject } from '../shared/validate';
import { recordingPathProblem, type RecordingResult, type RecordingSeriesQuery, type RecordingSeriesResult } from '../shared/recordingSchema';

import { HelperError } from './helperError';

export type { HelloInfo, HelperConfig, KillOutcome, KillResult, KillTarget } from '../shared/protocol';

export { HelperError, type HelperErrorCode } from './helperError';

/** The byte streams to a helper, and how to stop it. */
export interface HelperTransport {
  /** The helper's output (its stdout, or the socket). */
  readable: Readable;
  /** The helper's input (its stdin, or the socket). */
  writable: Writable;
  /** The spawned process (sudo or the helper itself), when there is one. */
  child?: ChildProcess;
  /** Extra teardown (e.g. destroy the socket). */
  close?: () => void;
}

export interface HelperClientOptions {
  /** ms to wait for the hello; 0 = wait until the transport closes (default 20 s). */
  helloTimeoutMs?: number;
  /** The connect-back path: the hello must carry this token. */
  expectToken?: string;
  /** Per-request timeouts (ms). */
  timeouts?: Partial<Record<Request['type'], number>>;
  /** Protocol problems that belong to no request (never a password). */
  log?: (message: string) => void;
}

/** What kill() sends: the helper itself also refuses a pid listed twice. */
const KILL_TARGETS = killTargetsCheck({ once: false, nonEmpty: false });

const DEFAULT_TIMEOUTS: Record<Request['type'], number> = {
  hello: 15_000,
  ping: 15_000,
  configure: 15_000,
  sample: 120_000,
  kill: 60_000,
  maps: 60_000,
  recording: 60_000,
  recordingSeries: 60_000,
};

type ReplyOf<T extends Request['type']> = Extract<Reply, { type: T }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  type: Request['type'];
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class HelperClient {
  private helloInfo: HelloInfo | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private exitCbs: ((reason: string) => void)[] = [];
  private exitReason: string | null = null;
  private disposed = false;
  private stderrTail = '';
  private helloWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private readonly timeouts: Record<Request['type'], number>;

  private constructor(
    private readonly t: HelperTransport,
    private readonly o: HelperClientOptions,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
  }

  /**
   * Attach to a helper's streams and wait for its hello (checking the protocol version
   * and, on the connect-back path, the token). Rejects — and closes the transport — when
   * the hello does not come, is malformed, or is not the expected one.
   */
  static start(t: HelperTransport, o: HelperClientOptions = {}): Promise<HelperClient> {
    const c = new HelperClient(t, o);
    return c.attach().then(() => c);
  }

  /** What the helper said about itself (uid 0 = it reads every process). */
  get hello(): HelloInfo {
    if (!this.helloInfo) throw new HelperError('protocol', 'the helper has not said hello yet');
    return this.helloInfo;
  }

  /** Whether the helper is still there. */
  get alive(): boolean {
    return this.exitReason === null && !this.disposed;
  }

  private attach(): Promise<void> {
    const { readable, writable, child } = this.t;
    const splitter = new LineSplitter(MAX_REPLY_BYTES);
    readable.on('data', (chunk: Buffer | string) => {
      for (const ev of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        if ('line' in ev) this.onLine(ev.line);
        else this.protocolError(`a reply line of ${ev.tooLong} bytes is longer than ${MAX_REPLY_BYTES}`);
      }
    });
    if (child) {
      // 'close' comes after the process exited AND its output was read to the end, so no
      // reply is lost and the reason can say how it ended.
      child.stderr?.on('data', (d: Buffer | string) => {
        this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
      });
      child.on('close', (code, signal) => {
        const why = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        const tail = this.stderrTail.trim();
        this.closed(`the helper ${why}${tail ? `: ${tail.split('\n').slice(-3).join(' / ')}` : ''}`);
      });
      child.on('error', (e) => this.closed(`cannot run the helper: ${e.message}`));
      writable.on('error', () => {
        /* EPIPE: the helper is gone; 'close' says why */
      });
    } else {
      readable.on('end', () => this.closed('the connection to the helper was closed'));
      readable.on('close', () => this.closed('the connection to the helper was closed'));
      writable.on('error', (e) => this.closed(`write error: ${e.message}`));
    }
    readable.on('error', (e) => this.closed(`read error: ${e.message}`));
    return new Promise<void>((resolve, reject) => {
      const ms = this.o.helloTimeoutMs ?? 20_000;
      const timer =
        ms > 0
          ? setTimeout(() => {
              this.helloWaiter = null;
              reject(new HelperError('timeout', `no hello from the helper within ${ms / 1000} s`));
              this.teardown();
            }, ms)
          : null;
      this.helloWaiter = {
        resolve: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          if (timer) clearTimeout(timer);
          reject(e);
          this.teardown();
        },
      };
    });
  }

  private onLine(line: string): void {
    const p = parseReply(line);
    if (this.helloWaiter) {
      const w = this.helloWaiter;
      this.helloWaiter = null;
      if (!p.ok || p.reply.type !== 'hello' || p.reply.id !== null) {
        // Whatever came before the hello is not the helper's (sudo's stdout, the second line
        // of a password…): say how much, never what.
        const what = p.ok ? `a ${p.reply.type} message` : `${Buffer.byteLength(line)} bytes of non-protocol output (dropped, not shown)`;
        w.reject(new HelperError('protocol', `the helper's first line is not a hello: ${what}`));
        return;
      }
      const r = p.reply;
      if (this.o.expectToken !== undefined && (r.token === undefined || !sameToken(r.token, this.o.expectToken))) {
        w.reject(new HelperError('auth', 'the connecting helper did not present the one-time token'));
        return;
      }
      if (r.hello.protocol !== PROTOCOL_VERSION) {
        w.reject(new HelperError('auth', `the helper speaks protocol ${r.hello.protocol}, not ${PROTOCOL_VERSION}`));
        return;
      }
      this.helloInfo = r.hello;
      w.resolve();
      return;
    }
    if (!p.ok) {
      // Fail the request the line was meant for, when its id can be read.
      let id: unknown = null;
      try {
        const v: unknown = JSON.parse(line);
        if (isObject(v)) id = v.id;
      } catch {
        /* not JSON */
      }
      const pend = isRequestId(id) ? this.pending.get(id) : undefined;
      if (pend && isRequestId(id)) this.settle(id, null, new HelperError('protocol', `malformed reply: ${p.message}`));
      else this.protocolError(`malformed line from the helper: ${Buffer.byteLength(line)} bytes of non-protocol output dropped (not shown)`);
      return;
    }
    const r = p.reply;
    if (r.id === null) {
      // An error without an id answers a line this host never sent (it sends only valid
      // requests): its message may quote that line, which may be anything — not logged.
      this.protocolError(r.type === 'error' ? `the helper dropped input line ${r.seq} that this host did not send (${r.code})` : `unexpected ${r.type} message`);
      return;
    }
    const pend = this.pending.get(r.id);
    if (!pend) {
      this.protocolError(`a ${r.type} reply for no pending request (id ${r.id})`);
      return;
    }
    if (r.type === 'error') this.settle(r.id, null, new HelperError(r.code, r.message));
    else if (r.type !== pend.type) this.settle(r.id, null, new HelperError('protocol', `a ${r.type} reply to a ${pend.type} request`));
    else this.settle(r.id, r, null);
  }

  private settle(id: number, reply: Reply | null, err: Error | null): void {
    const pend = this.pending.get(id);
    if (!pend) return;
    this.pending.delete(id);
    clearTimeout(pend.timer);
    if (err) pend.reject(err);
    else if (reply) pend.resolve(reply);
  }

  private protocolError(message: string): void {
    this.o.log?.(message);
  }

  private closed(reason: string): void {
    if (this.helloWaiter) {
      const w = this.helloWaiter;
      this.helloWaiter = null;
      w.reject(new HelperError('exited', reason));
    }
    if (this.exitReason !== null) return;
    this.exitReason = reason;
    const err = this.disposed ? new HelperError('disposed', 'the helper was stopped') : new HelperError('exited', reason);
    for (const id of [...this.pending.keys()]) this.settle(id, null, err);
    if (!this.disposed) for (const cb of this.exitCbs.splice(0)) cb(reason);
  }

  private request<T extends Request['type']>(msg: DistributiveOmit<Extract<Request, { type: T }>, 'id'>): Promise<ReplyOf<T>> {
    if (this.disposed) return Promise.reject(new HelperError('disposed', 'the helper was stopped'));
    if (this.exitReason !== null) return Promise.reject(new HelperError('exited', this.exitReason));
    const id = this.nextId++;
    const type = msg.type as T;
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      const ms = this.timeouts[type];
      const timer = setTimeout(() => this.settle(id, null, new HelperError('timeout', `no ${type} reply within ${ms / 1000} s`)), ms);
      this.pending.set(id, { type, resolve: resolve as (r: Reply) => void, reject, timer });
      this.t.writable.write(JSON.stringify({ id, ...msg }) + '\n');
    });
  }

  /** Change what the helper samples and how it groups; resolves when applied. */
  async configure(c: Partial<HelperConfig>): Promise<void> {
    await this.request<'configure'>({ type: 'configure', config: c });
  }

  /** The effective configuration after applying `c` (an extension of the contract). */
  async configureAndGet(c: Partial<HelperConfig>): Promise<HelperConfig> {
    return (await this.request<'configure'>({ type: 'configure', config: c })).config;
  }

  /** One sample, grouped and typed by the helper's Reporter. */
  async sample(): Promise<Report> {
    return fromWireReport((await this.request<'sample'>({ type: 'sample' })).report);
  }

  /** sample() with the helper's own sampling time in ms (for benchmarks). */
  async sampleTimed(): Promise<{ report: Report; ms: number }> {
    const r = await this.request<'sample'>({ type: 'sample' });
    return { report: fromWireReport(r.report), ms: r.ms };
  }

  /**
   * Signal processes named by pid + start time: SIGTERM (the default), then (unless escalate
   * is false) SIGKILL after about 6 s; any other signal once. One result per target, in order.
   */
  async kill(targets: KillTarget[], opts: { escalate?: boolean; signal?: KillSignal } = {}): Promise<KillResult[]> {
    const list = targets.map((t) => ({ pid: t.pid, starttime: t.starttime }));
    const problem = explain(KILL_TARGETS, list, 'targets');
    if (problem) throw new HelperError('invalid', `not a process to kill: ${problem}`);
    return (await this.request<'kill'>({ type: 'kill', targets: list, escalate: opts.escalate ?? true, signal: opts.signal ?? DEFAULT_KILL_SIGNAL })).results;
  }

  /** The grouped mappings of the process named by pid + start time (or why there are none). */
  async maps(pid: number, starttime: number): Promise<MapsResult> {
    return (await this.request<'maps'>({ type: 'maps', pid, starttime })).result;
  }

  /**
   * A moment of the recording at `path` on the helper's host (the last one when `at` is null),
   * with its sample times and events when `timeline` (the helper checks the path: recordingRead.ts).
   */
  async recording(path: string, at: number | null, timeline: boolean): Promise<RecordingResult<Report>> {
    const problem = recordingPathProblem(path);
    if (problem) throw new HelperError('invalid', `not a recording path: the path ${problem}`);
    const r = (await this.request<'recording'>({ type: 'recording', path, at, timeline })).result;
    return r.ok ? { ...r, report: fromWireReport(r.report) } : r;
  }

  /** One group's memory over a span of the recording at `path`, at most `points` samples (recordingSchema.ts). */
  async recordingSeries(q: RecordingSeriesQuery): Promise<RecordingSeriesResult> {
    const problem = recordingPathProblem(q.path);
    if (problem) throw new HelperError('invalid', `not a recording path: the path ${problem}`);
    return (await this.request<'recordingSeries'>({ type: 'recordingSeries', path: q.path, key: q.key, from: q.from, to: q.to, points: q.points })).result;
  }

  async ping(): Promise<void> {
    await this.request<'ping'>({ type: 'ping' });
  }

  /** Called once when the helper dies or the connection closes (not after dispose()). */
  onExit(cb: (reason: string) => void): void {
    if (this.disposed) return;
    if (this.exitReason !== null) {
      const reason = this.exitReason;
      queueMicrotask(() => cb(reason));
      return;
    }
    this.exitCbs.push(cb);
  }

  /** Stop the helper: close its input (it exits at once), then signal what we may. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.exitCbs = [];
    const err = new HelperError('disposed', 'the helper was stopped');
    for (const id of [...this.pending.keys()]) this.settle(id, null, err);
    this.teardown();
  }

  private teardown(): void {
    const { writable, readable, child } = this.t;
    try {
      writable.end();
    } catch {
      /* already closed */
    }
    try {
      this.t.close?.();
    } catch {
      /* ignore */
    }
    if (child && child.exitCode === null && child.signalCode === null) {
      // The helper exits when its input closes; a helper run directly can also be signalled
      // (one under sudo may not be ours to signal: that is fine, it exits on EOF).
      const t = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          try {
            child.kill('SIGKILL');
          } catch {
            /* not ours */
          }
        }
      }, 3000);
      t.unref();
      child.once('exit', () => clearTimeout(t));
    }
    readable.once('end', () => readable.destroy());
  }
}
