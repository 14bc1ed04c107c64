// The test scaffolding shared by the unit tests: hand-built samples and real Reports (made by
// the core's Reporter), and the webview side of acquireVsCodeApi() for the panel tests.
import { Reporter } from '../../src/core/report';
import { zeroMem, type GroupRow, type Mem, type ProcSample, type Report, type ReportOptions, type Sample } from '../../src/core/types';
import type { HelperState, WebviewMessage } from '../../src/shared/webviewProtocol';
import type { WebviewApi } from '../../webview/api';
import type { PersistedState } from '../../webview/state';
import { reportOptions } from '../../src/shared/engineOptions';

export function mem(ptotal: number, extra: Partial<Mem> = {}): Mem {
  return { ...zeroMem(), data: ptotal, ptotal, ...extra };
}

export function proc(pid: number, exe: string, ptotalKb: number, cmd = exe, cpu = 0, extra: Partial<Mem> = {}): ProcSample {
  return { pid, starttime: pid * 10, exe, cmd, mem: mem(ptotalKb, extra), ticks: 0, cpu };
}

export function sample(procs: ProcSample[], over: Partial<Sample> = {}): Sample {
  return {
    time: Date.UTC(2026, 0, 1, 12, 0, 0),
    meminfo: { memTotal: 16_000_000, memAvailable: 10_000_000, shmem: 200_000, dirty: 1_000, swapTotal: 0, swapFree: 0 },
    cpu: { totalTicks: 1000, ncpu: 4 },
    pgmajfault: 0,
    zram: null,
    procs,
    totalUserProcs: procs.length,
    inaccessible: 0,
    filtered: 0,
    kernelCpu: 1.5,
    topKernelThreads: [{ pid: 12, comm: 'kworker/0:1', cpu: 0.5 }],
    majfaultsPerSec: 0,
    detail: false,
    ...over,
  };
}

/** A Reporter fed in sequence: each call gives the next real report. */
export function reporter(opts: Partial<ReportOptions> = {}): (procs: ProcSample[], over?: Partial<Sample>) => Report {
  const r = new Reporter(reportOptions({ cmdlen: 4096, ...opts }));
  return (procs, over = {}) => r.report(sample(procs, over));
}

/** A typical first sample: firefox (3 processes), code (2), bash, sleep. */
export function baseProcs(): ProcSample[] {
  return [
    proc(100, 'firefox', 900_000, 'firefox --new-window', 12.5),
    proc(101, 'firefox', 300_000, 'firefox -contentproc -childID 1', 3),
    proc(102, 'firefox', 200_000, 'firefox -contentproc -childID 2', 1),
    proc(200, 'code', 500_000, 'code --type=renderer', 4),
    proc(201, 'code', 100_000, 'code --type=gpu', 0.5),
    proc(300, 'bash', 5_000, 'bash -l'),
    proc(400, 'sleep', 1_000, 'sleep 1000'),
  ];
}

/** The webview side of acquireVsCodeApi(): records what the app posts and stores. */
export class RecordingApi implements WebviewApi {
  posted: WebviewMessage[] = [];
  state: unknown;
  constructor(state?: unknown) {
    this.state = state;
  }
  postMessage(m: WebviewMessage): void {
    this.posted.push(m);
  }
  getState(): unknown {
    return this.state;
  }
  setState(s: PersistedState): void {
    this.state = JSON.parse(JSON.stringify(s));
  }
  of<T extends WebviewMessage['type']>(type: T): Extract<WebviewMessage, { type: T }>[] {
    return this.posted.filter((m) => m.type === type) as Extract<WebviewMessage, { type: T }>[];
  }
}

/** A sampler running as root. */
export const RUNNING_AS_ROOT: HelperState = { status: 'running', mode: 'root', message: '', canElevate: false };

/** The first element a selector matches in the test document. */
export const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as T;
/** Every element a selector matches in the test document. */
export const $$ = (sel: string) => Array.from(document.querySelectorAll(sel)) as HTMLElement[];

/** A one-process group row of `ptotal` KB (data + 10 KB of text), with no members. */
export function groupRow(key: string, ptotal: number, type: GroupRow['type'] = ''): GroupRow {
  return { key, info: key, type, delta: 0, mem: { ...zeroMem(), data: ptotal - 10, text: 10, ptotal }, cpu: 0, count: 1, pid: 1, members: [] };
}

/** A stable pid for a test group key (its number, for a pid key). */
function pidOfKey(key: string): number {
  if (/^\d+$/.test(key)) return Number(key);
  let h = 7;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) % 4_000_000;
  return h + 2;
}

/** A group row of processes `[pid, ptotal]` (what the history records of a row: its members). */
export function groupOfProcs(key: string, procs: ReadonlyArray<readonly [number, number]>, type: GroupRow['type'] = ''): GroupRow {
  const members = procs.map(([pid, ptotal]) => ({ pid, starttime: 100, cmd: `${key} ${pid}`, mem: { ...zeroMem(), data: ptotal - 10, text: 10, ptotal }, cpu: 0 }));
  const g = groupRow(key, members.reduce((a, m) => a + m.mem.ptotal, 0), type);
  return { ...g, mem: { ...zeroMem(), data: g.mem.ptotal - 10 * members.length, text: 10 * members.length, ptotal: g.mem.ptotal }, count: members.length, pid: members.length === 1 ? members[0].pid : null, members };
}

/** A group row of one process whose pid follows from the key. */
export function procRow(key: string, ptotal: number, type: GroupRow['type'] = ''): GroupRow {
  return groupOfProcs(key, [[pidOfKey(key), ptotal]], type);
}
