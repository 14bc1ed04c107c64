// The process boundary of the host tests: a stand-in for the sampler helper that answers
// with real Reports (the core Reporter over hand-built samples, or the real Sampler over a
// captured fixture tree, configured through the Monitor's option path), and a launcher that
// plays sudo's password dialogue.
import { Reporter } from '../../src/core/report';
import type { CgroupReader } from '../../src/core/cgroup';
import type { ProcSample, Report, Sample } from '../../src/core/types';
import type { HelloInfo, HelperConfig, KillOutcome, KillResult, KillTarget } from '../../src/host/helperClient';
import type { KillSignal } from '../../src/shared/kill';
import type { MapsResult } from '../../src/shared/mapsSchema';
import { groupMaps } from '../../src/core/maps';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchFn, LaunchRequest, LaunchedLike, HelperLike } from '../../src/host/helperSession';
import type { Log } from '../../src/host/log';
import { Sampler } from '../../src/sampler/sampler';
import { baseProcs, sample } from './webview-fixtures';
import { stub } from './vscode-stub';
import type { RecordingResult, RecordingSeriesQuery, RecordingSeriesResult } from '../../src/shared/recordingSchema';
import { readRecordingSeries } from '../../src/recorder/seriesRead';
import { readRecording } from '../../src/recorder/recordingRead';
import { openWasmDb } from '../../src/recorder/wasmDb';
import { defaultEngineOptions, reportOptionsOf, validEngineOptions } from '../../src/shared/engineOptions';

export class FakeHelper implements HelperLike {
  readonly hello: HelloInfo;
  configured: Array<Partial<HelperConfig>> = [];
  killCalls: Array<{ targets: KillTarget[]; escalate: boolean | undefined; signal?: KillSignal }> = [];
  samples = 0;
  disposed = false;
  killOutcome: (pid: number) => KillOutcome = () => 'gone';
  private exitCbs: Array<(reason: string) => void> = [];
  /** The options in force, as the helper's Monitor holds them (src/engine/monitor.ts). */
  private options = defaultEngineOptions();
  private reporter: Reporter;

  /** `cgroups`: the /sys reader of the kernel's cgroup figures, as the real helper has. */
  constructor(
    private readonly source: () => Sample,
    opts: { pid?: number; uid?: number; cgroups?: CgroupReader } = {},
  ) {
    this.reporter = new Reporter(reportOptionsOf(this.options), opts.cgroups ?? null);
    this.hello = { version: 'test', protocol: 1, uid: opts.uid ?? 1000, pid: opts.pid ?? 4000, capabilities: ['sample', 'kill'] };
  }

  async configure(c: Partial<HelperConfig>): Promise<void> {
    if (this.disposed) throw new Error('disposed');
    this.configured.push(c);
    // The Monitor's one path: checked against the catalogue, then the Reporter's share of the options.
    this.options = { ...this.options, ...validEngineOptions(c) };
    this.reporter.setOptions(reportOptionsOf(this.options));
  }

  async sample(): Promise<Report> {
    if (this.disposed) throw new Error('disposed');
    this.samples++;
    return this.reporter.report(this.source());
  }

  async kill(targets: KillTarget[], opts: { escalate?: boolean; signal?: KillSignal } = {}): Promise<KillResult[]> {
    this.killCalls.push({ targets, escalate: opts.escalate, ...(opts.signal ? { signal: opts.signal } : {}) });
    return targets.map((t) => {
      const outcome = this.killOutcome(t.pid);
      return outcome === 'gone' || outcome === 'stopped' ? { pid: t.pid, outcome, signal: opts.signal ?? 'SIGTERM' } : { pid: t.pid, outcome, message: 'EPERM' };
    });
  }

  mapsCalls: Array<{ pid: number; starttime: number }> = [];
  /** What maps() answers: by default the grouped mappings of a real captured smaps. */
  mapsResult: (pid: number, starttime: number) => MapsResult = (pid, starttime) => ({
    ok: true,
    pid,
    starttime,
    maps: groupMaps(readFileSync(join(__dirname, '../../fixtures/snippets/shmdemo.smaps'), 'latin1'), false),
  });

  async maps(pid: number, starttime: number): Promise<MapsResult> {
    if (this.disposed) throw new Error('disposed');
    this.mapsCalls.push({ pid, starttime });
    return this.mapsResult(pid, starttime);
  }

  recordingCalls: Array<{ path: string; at: number | null; timeline: boolean }> = [];
  /** The helper's own reading of a recording (under the options configured): the real file through the WebAssembly SQLite, as the helper reads it. */
  async recording(path: string, at: number | null, timeline: boolean): Promise<RecordingResult<Report>> {
    if (this.disposed) throw new Error('disposed');
    this.recordingCalls.push({ path, at, timeline });
    return readRecording({ path, at, timeline }, this.options, openWasmDb);
  }

  seriesCalls: RecordingSeriesQuery[] = [];
  /** A group's series, read from the real file as the helper reads it. */
  async recordingSeries(q: RecordingSeriesQuery): Promise<RecordingSeriesResult> {
    if (this.disposed) throw new Error('disposed');
    this.seriesCalls.push(q);
    return readRecordingSeries(q, this.options, openWasmDb);
  }

  onExit(cb: (reason: string) => void): void {
    this.exitCbs.push(cb);
  }

  /** Test side: the helper process died. */
  exit(reason: string): void {
    for (const cb of this.exitCbs) cb(reason);
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** Samples of the base processes, with an optional count of inaccessible ones. */
export function handSamples(inaccessible = 0, procs: () => ProcSample[] = baseProcs): () => Sample {
  return () => sample(procs(), { inaccessible });
}

/** The real Sampler reading a captured /proc tree. */
export function fixtureSamples(root: string): () => Sample {
  const s = new Sampler({ root });
  return () => s.sample();
}

export interface FakeLauncher {
  launch: LaunchFn;
  calls: LaunchRequest[];
  helpers: FakeHelper[];
  /** How launches fail (throw) from now on, when set. */
  failWith: string | null;
}

/**
 * Without elevate: a user-mode helper (sudo needs a password). With elevate: sudo -S,
 * asking for the password through the UI up to three times, as the real launcher does.
 */
export function fakeLauncher(opts: { password?: string; inaccessible?: number } = {}): FakeLauncher {
  const f: FakeLauncher = {
    calls: [],
    helpers: [],
    failWith: null,
    launch: async (r): Promise<LaunchedLike> => {
      f.calls.push(r);
      if (f.failWith) throw new Error(f.failWith);
      const make = (root: boolean) => {
        const h = new FakeHelper(handSamples(root ? 0 : (opts.inaccessible ?? 0)), { pid: 4000 + f.helpers.length, uid: root ? 0 : 1000 });
        f.helpers.push(h);
        return h;
      };
      if (!r.elevate) {
        return { client: make(false), mode: 'user', reason: r.runAsUser ? 'pmemstat.runAsUser is set' : 'sudo needs a password: use "Run as Root"' };
      }
      for (let attempt = 1; attempt <= 3; attempt++) {
        const pw = await r.ui.askPassword(attempt === 1 ? '[sudo] password for tester:' : 'Sorry, try again.', attempt);
        if (pw === undefined) {
          r.ui.log('sudo -S: cancelled');
          return { client: make(false), mode: 'user', reason: 'not running as root (cancelled)' };
        }
        if (pw === opts.password) return { client: make(true), mode: 'sudo-S' };
        r.ui.log(`sudo -S: attempt ${attempt} failed`);
      }
      return { client: make(false), mode: 'user', reason: 'not running as root (3 incorrect password attempts)' };
    },
  };
  return f;
}

/** The host's log, recorded as `[level] message` lines (in the vscode stub's current log by default). */
export function recordingLog(lines?: string[]): Log {
  const push = (text: string) => void (lines ?? stub.logs).push(text);
  const line = (level: string) => (m: string | Error) => push(`[${level}] ${m instanceof Error ? m.message : m}`);
  return { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), show: () => push('[show]') };
}
