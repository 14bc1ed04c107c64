// The one definition of the messages between the extension host and the sampler
// helper (newline-delimited JSON; docs/protocol.md), with the run-time validators
// that each receiving end applies. Pure: no I/O, no `vscode`, no Node APIs except
// Buffer in the line splitter.
import { MEM_KEYS } from '../core/types';
import type {
  GroupBy,
  GroupMember,
  GroupRow,
  KernelThreadCpu,
  LeaderFigures,
  Mem,
  MemKey,
  Report,
  SortBy,
  ZramEffective,
} from '../core/types';
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_WALK_BUDGET_MS } from '../core/walkbudget';

/** Bumped on any incompatible change; the host refuses a helper that speaks another. */
export const PROTOCOL_VERSION = 2;
/** Longest request line the helper accepts (bytes, without the newline). */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Longest reply line the host accepts (a sample of a very busy machine stays far below). */
export const MAX_REPLY_BYTES = 256 * 1024 * 1024;
/** The kernel's PID_MAX_LIMIT on 64-bit (2^22): no pid is larger. */
export const PID_MAX_LIMIT = 4_194_304;
/** At most this many processes in one kill request. */
export const MAX_KILL_TARGETS = 4096;
const MAX_FILTER_ITEMS = 10_000;
const MAX_FILTER_ITEM_CHARS = 4096;
const MAX_CMDLEN = 100_000;
/** Environment variable that carries the one-time token of `--connect`. */
export const TOKEN_ENV = 'PMEMSTAT_TOKEN';

// ---------------------------------------------------------------------------
// Shapes

export interface HelperConfig {
  groupBy: GroupBy;
  sortBy: SortBy;
  /** Per-mapping categories (smaps) instead of rollups only. */
  detail: boolean;
  /** SPEC 3 `k`: > 0 growth ≥ k only; ≤ 0 any change ≥ |k|. */
  minDeltaKb: number;
  rise: boolean;
  cmdlen: number;
  cpuAvgSecs: number;
  kernelCpu: boolean;
  /** Keep only processes whose pid or exe key is listed; empty = all. */
  filter: string[];
  /** Page-walk time per tick beyond the processes that moved (ms); 0 = walk all every tick. */
  walkBudgetMs: number;
  /** No figure older than this (seconds), whatever the budget. */
  maxAgeSeconds: number;
}

export const GROUP_BYS: readonly GroupBy[] = ['exe', 'cmd', 'pid'];
export const SORT_BYS: readonly SortBy[] = ['mem', 'cpu', 'name'];

export function defaultHelperConfig(): HelperConfig {
  return {
    groupBy: 'exe',
    sortBy: 'mem',
    detail: false,
    minDeltaKb: 1000,
    rise: true,
    cmdlen: 96,
    cpuAvgSecs: 20,
    kernelCpu: true,
    filter: [],
    walkBudgetMs: DEFAULT_WALK_BUDGET_MS,
    maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS,
  };
}

export interface HelloInfo {
  /** The extension's version (package.json) the helper was built from. */
  version: string;
  protocol: number;
  /** The helper's effective uid: 0 = it can read every process. */
  uid: number;
  pid: number;
  /** The request types and features this helper serves. */
  capabilities: string[];
}

export const CAPABILITIES = ['hello', 'configure', 'sample', 'kill', 'ping', 'kill-escalate', 'detail'] as const;

export type KillOutcome = 'gone' | 'running' | 'not-permitted' | 'not-found' | 'pid-reused' | 'refused';
export const KILL_OUTCOMES: readonly KillOutcome[] = ['gone', 'running', 'not-permitted', 'not-found', 'pid-reused', 'refused'];
export type KillSignal = 'SIGTERM' | 'SIGKILL';

export interface KillResult {
  pid: number;
  outcome: KillOutcome;
  /** The last signal sent (absent when none was). */
  signal?: KillSignal;
  message?: string;
}

/** A process named by pid AND start time (field 22 of /proc/PID/stat), so a reused pid is refused. */
export interface KillTarget {
  pid: number;
  starttime: number;
}

// host → helper
export type Request =
  | { type: 'hello'; id: number }
  | { type: 'configure'; id: number; config: Partial<HelperConfig> }
  | { type: 'sample'; id: number }
  | { type: 'kill'; id: number; targets: KillTarget[]; escalate: boolean }
  | { type: 'ping'; id: number };
export type RequestType = Request['type'];
export const REQUEST_TYPES: readonly RequestType[] = ['hello', 'configure', 'sample', 'kill', 'ping'];

export type ErrorCode =
  /** The line is longer than MAX_REQUEST_BYTES. */
  | 'too-long'
  /** The line is not JSON, or not a JSON object. */
  | 'not-json'
  /** A JSON object, but not a well-formed request (the message names the field). */
  | 'invalid'
  /** A well-formed object whose `type` is not a request type. */
  | 'unknown-type'
  /** A well-formed request that failed while being served. */
  | 'failed';
export const ERROR_CODES: readonly ErrorCode[] = ['too-long', 'not-json', 'invalid', 'unknown-type', 'failed'];

/**
 * helper → host. Every reply carries `seq`, the 1-based number of the request line it
 * answers (0 for the unsolicited hello), and the request's `id` (null when none could be
 * read from the line). Exactly one reply per request line.
 */
export type Reply =
  | { type: 'hello'; id: number | null; seq: number; hello: HelloInfo; token?: string }
  | { type: 'configure'; id: number; seq: number; config: HelperConfig }
  | { type: 'sample'; id: number; seq: number; report: WireReport; ms: number }
  | { type: 'kill'; id: number; seq: number; results: KillResult[] }
  | { type: 'ping'; id: number; seq: number }
  | { type: 'error'; id: number | null; seq: number; code: ErrorCode; message: string };

/**
 * A group member on the wire: a tuple in this order, not an object. A sample carries
 * every process of the machine, and spelling out eleven keys per process made its line
 * three times longer (47 KiB for 300 sleeps) — most of what the protocol cost.
 */
export type WireMember = [
  pid: number,
  starttime: number,
  cmd: string,
  cpu: number,
  pswap: number,
  shSYSV: number,
  shOth: number,
  stack: number,
  text: number,
  data: number,
  ptotal: number,
];
/** Where each Mem field sits in a WireMember (after pid, starttime, cmd, cpu). */
const WIRE_MEM_AT = 4;
const WIRE_MEMBER_FIELDS = ['pid', 'starttime', 'cmd', 'cpu', ...MEM_KEYS] as const;
export type WireRow = Omit<GroupRow, 'members'> & { members: WireMember[] };
/** `Report` as the `sample` reply carries it: the same but for the members' tuples. */
export type WireReport = Omit<Report, 'total' | 'rows'> & { total: WireRow; rows: WireRow[] };

function toWireMember(m: GroupMember): WireMember {
  return [m.pid, m.starttime, m.cmd, m.cpu, ...MEM_KEYS.map((k) => m.mem[k])] as WireMember;
}

function fromWireMember(w: WireMember): GroupMember {
  const mem = {} as Mem;
  for (let i = 0; i < MEM_KEYS.length; i++) mem[MEM_KEYS[i] as MemKey] = w[WIRE_MEM_AT + i] as number;
  return { pid: w[0], starttime: w[1], cmd: w[2], mem, cpu: w[3] };
}

const toWireRow = (r: GroupRow): WireRow => ({ ...r, members: r.members.map(toWireMember) });
const fromWireRow = (r: WireRow): GroupRow => ({ ...r, members: r.members.map(fromWireMember) });

export function toWireReport(r: Report): WireReport {
  return { ...r, total: toWireRow(r.total), rows: r.rows.map(toWireRow) };
}

/** The Report of a validated WireReport. */
export function fromWireReport(w: WireReport): Report {
  return { ...w, total: fromWireRow(w.total), rows: w.rows.map(fromWireRow) };
}

// ---------------------------------------------------------------------------
// Validation helpers. A checker returns null when `v` is well-formed, else a message
// naming the first problem (with its path).

type Check = (v: unknown, path: string) => string | null;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return typeof v;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** A request id: an integer 0 … 2^53−1. */
export function isRequestId(v: unknown): v is number {
  return isInt(v) && v >= 0;
}

function num(v: unknown, path: string): string | null {
  return isNum(v) ? null : `${path} must be a finite number, not ${describe(v)}`;
}
function int(min: number, max: number): Check {
  return (v, path) =>
    isInt(v) && v >= min && v <= max ? null : `${path} must be an integer from ${min} to ${max}, not ${describe(v)}`;
}
function str(v: unknown, path: string): string | null {
  return typeof v === 'string' ? null : `${path} must be a string, not ${describe(v)}`;
}
function bool(v: unknown, path: string): string | null {
  return typeof v === 'boolean' ? null : `${path} must be true or false, not ${describe(v)}`;
}
function oneOf<T extends string>(values: readonly T[]): Check {
  return (v, path) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? null
      : `${path} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, not ${describe(v)}`;
}
function nullable(c: Check): Check {
  return (v, path) => (v === null ? null : c(v, path));
}
function arrayOf(c: Check, max = Infinity): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return `${path} must be an array, not ${describe(v)}`;
    if (v.length > max) return `${path} has ${v.length} items, more than ${max}`;
    for (let i = 0; i < v.length; i++) {
      const e = c(v[i], `${path}[${i}]`);
      if (e) return e;
    }
    return null;
  };
}

type Shape = Record<string, Check>;

/** Every listed field present and well-formed; with `exact`, no other field. */
function object(shape: Shape, exact: boolean, optional: readonly string[] = []): Check {
  const keys = Object.keys(shape);
  return (v, path) => {
    if (!isObject(v)) return `${path} must be an object, not ${describe(v)}`;
    for (const k of keys) {
      if (!(k in v) || v[k] === undefined) {
        if (optional.includes(k)) continue;
        return `${path}.${k} is missing`;
      }
      const e = shape[k](v[k], `${path}.${k}`);
      if (e) return e;
    }
    if (exact) for (const k of Object.keys(v)) if (!(k in shape)) return `${path} has an unknown field "${k}"`;
    return null;
  };
}

// ---------------------------------------------------------------------------
// Requests (checked by the helper)

const configShape: Record<keyof HelperConfig, Check> = {
  groupBy: oneOf(GROUP_BYS),
  sortBy: oneOf(SORT_BYS),
  detail: bool,
  minDeltaKb: int(-(2 ** 40), 2 ** 40),
  rise: bool,
  cmdlen: int(1, MAX_CMDLEN),
  cpuAvgSecs: (v, path) =>
    isNum(v) && v >= 1 && v <= 3600 ? null : `${path} must be a number of seconds from 1 to 3600, not ${describe(v)}`,
  kernelCpu: bool,
  filter: arrayOf(
    (v, path) =>
      typeof v === 'string' && v.length > 0 && v.length <= MAX_FILTER_ITEM_CHARS
        ? null
        : `${path} must be a non-empty string of at most ${MAX_FILTER_ITEM_CHARS} characters, not ${describe(v)}`,
    MAX_FILTER_ITEMS,
  ),
  walkBudgetMs: int(0, 60_000),
  maxAgeSeconds: int(1, 86_400),
};
const checkPartialConfig = object(configShape, true, Object.keys(configShape));

/** What can name a process to kill: nothing else ever reaches kill(2) (no 0, no negatives). */
export function isKillPid(v: unknown): v is number {
  return isInt(v) && v >= 1 && v <= PID_MAX_LIMIT;
}

const checkKillTarget = object(
  {
    pid: (v, path) =>
      isKillPid(v) ? null : `${path} must be a process id (an integer from 1 to ${PID_MAX_LIMIT}), not ${describe(v)}`,
    starttime: int(0, Number.MAX_SAFE_INTEGER),
  },
  true,
);
const checkKillTargets: Check = (v, path) => {
  const e = arrayOf(checkKillTarget, MAX_KILL_TARGETS)(v, path);
  if (e) return e;
  const seen = new Set<number>();
  for (const [i, t] of (v as KillTarget[]).entries()) {
    if (seen.has(t.pid)) return `${path}[${i}].pid ${t.pid} is listed twice`;
    seen.add(t.pid);
  }
  return null;
};

const requestShapes: Record<RequestType, Shape> = {
  hello: {},
  configure: { config: checkPartialConfig },
  sample: {},
  kill: { targets: checkKillTargets, escalate: bool },
  ping: {},
};

export type ParsedRequest =
  | { ok: true; request: Request }
  | { ok: false; id: number | null; code: ErrorCode; message: string };

/**
 * Parse and validate one request line (already checked for length). Never throws.
 * On failure, `id` is the request's id when one could be read, so the error reply
 * reaches the caller that is waiting for it.
 */
export function parseRequest(line: string): ParsedRequest {
  if (line.trim() === '') return { ok: false, id: null, code: 'not-json', message: 'empty line' };
  let v: unknown;
  try {
    v = JSON.parse(line) as unknown;
  } catch (e) {
    return { ok: false, id: null, code: 'not-json', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return validateRequest(v);
}

/** Validate a parsed value as a request. Never throws. */
export function validateRequest(v: unknown): ParsedRequest {
  if (!isObject(v)) return { ok: false, id: null, code: 'not-json', message: `a request must be a JSON object, not ${describe(v)}` };
  const id = isRequestId(v.id) ? v.id : null;
  if (id === null) {
    return {
      ok: false,
      id: null,
      code: 'invalid',
      message: 'id' in v ? `id must be an integer from 0 to 2^53-1, not ${describe(v.id)}` : 'id is missing',
    };
  }
  const type = v.type;
  if (typeof type !== 'string') return { ok: false, id, code: 'invalid', message: `type must be a string, not ${describe(type)}` };
  if (!(REQUEST_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      id,
      code: 'unknown-type',
      message: `unknown request type ${describe(type)} (expected ${REQUEST_TYPES.join(', ')})`,
    };
  }
  const rt = type as RequestType;
  const e = object({ id: () => null, type: () => null, ...requestShapes[rt] }, true)(v, rt);
  if (e) return { ok: false, id, code: 'invalid', message: e };
  return { ok: true, request: v as unknown as Request };
}

/** Whether a value is a well-formed request (for tests and for the client's own checks). */
export function isRequest(v: unknown): v is Request {
  return validateRequest(v).ok;
}

// ---------------------------------------------------------------------------
// Replies (checked by the host)

const checkMem: Check = object(
  { pswap: num, shSYSV: num, shOth: num, stack: num, text: num, data: num, ptotal: num } satisfies Record<keyof Mem, Check>,
  false,
);
const checkPidInt = int(0, Number.MAX_SAFE_INTEGER);
const checkMember: Check = (v, path) => {
  if (!Array.isArray(v) || v.length !== WIRE_MEMBER_FIELDS.length) {
    return `${path} must be a member [${WIRE_MEMBER_FIELDS.join(', ')}], not ${Array.isArray(v) ? `an array of ${v.length}` : describe(v)}`;
  }
  return (
    checkPidInt(v[0], `${path}[0] (pid)`) ??
    checkPidInt(v[1], `${path}[1] (starttime)`) ??
    str(v[2], `${path}[2] (cmd)`) ??
    num(v[3], `${path}[3] (cpu)`) ??
    memFields(v, path)
  );
};
function memFields(v: readonly unknown[], path: string): string | null {
  for (let i = WIRE_MEM_AT; i < v.length; i++) {
    const e = num(v[i], `${path}[${i}] (${WIRE_MEMBER_FIELDS[i]})`);
    if (e) return e;
  }
  return null;
}
const checkRowType: Check = (v, path) =>
  typeof v === 'string' && (v === 'T' || v === 'A' || v === 'O' || v === 'x' || v === '' || /^[+-]\d+K$/.test(v))
    ? null
    : `${path} must be a row type, not ${describe(v)}`;
const checkRow: Check = object(
  {
    key: str,
    info: str,
    type: checkRowType,
    delta: num,
    mem: checkMem,
    cpu: num,
    count: checkPidInt,
    pid: nullable(checkPidInt),
    members: arrayOf(checkMember),
    asOf: num,
  } satisfies Record<keyof WireRow, Check>,
  false,
  ['asOf'],
);
const checkKthread: Check = object({ pid: checkPidInt, comm: str, cpu: num } satisfies Record<keyof KernelThreadCpu, Check>, false);
const checkZram: Check = object(
  { zramUsed: num, ratio: num, eTot: num, eUsed: num, eAvail: num } satisfies Record<keyof ZramEffective, Check>,
  false,
);
const checkLeader: Check = object(
  {
    time: num,
    memTotal: num,
    used: num,
    avail: num,
    oth: nullable(num),
    shTmp: num,
    dirty: num,
    pidsShown: checkPidInt,
    pidsTotal: checkPidInt,
    inaccessible: checkPidInt,
    search: str,
    kernelCpu: num,
    topKernelThreads: arrayOf(checkKthread),
    zram: nullable(checkZram),
    majfaultsPerSec: num,
    stale: checkPidInt,
  } satisfies Record<keyof LeaderFigures, Check>,
  false,
  ['stale'],
);
const checkReport: Check = object(
  { leader: checkLeader, detail: bool, total: checkRow, rows: arrayOf(checkRow) } satisfies Record<keyof Report, Check>,
  false,
);

const checkHello: Check = object(
  {
    version: str,
    protocol: int(0, Number.MAX_SAFE_INTEGER),
    uid: int(0, 2 ** 32),
    pid: int(1, PID_MAX_LIMIT),
    capabilities: arrayOf(str),
  } satisfies Record<keyof HelloInfo, Check>,
  false,
);
const checkFullConfig: Check = object(configShape, false);
const checkKillResult: Check = object(
  {
    pid: checkPidInt,
    outcome: oneOf(KILL_OUTCOMES),
    signal: oneOf<KillSignal>(['SIGTERM', 'SIGKILL']),
    message: str,
  } satisfies Record<keyof KillResult, Check>,
  false,
  ['signal', 'message'],
);
const checkId = (v: unknown, path: string) => (isRequestId(v) ? null : `${path} must be a request id, not ${describe(v)}`);
const checkSeq = int(0, Number.MAX_SAFE_INTEGER);

const replyShapes: Record<Reply['type'], { shape: Shape; optional?: string[] }> = {
  hello: { shape: { id: nullable(checkId), seq: checkSeq, hello: checkHello, token: str }, optional: ['token'] },
  configure: { shape: { id: checkId, seq: checkSeq, config: checkFullConfig } },
  sample: { shape: { id: checkId, seq: checkSeq, report: checkReport, ms: num } },
  kill: { shape: { id: checkId, seq: checkSeq, results: arrayOf(checkKillResult) } },
  ping: { shape: { id: checkId, seq: checkSeq } },
  error: { shape: { id: nullable(checkId), seq: checkSeq, code: oneOf(ERROR_CODES), message: str } },
};

export type ParsedReply = { ok: true; reply: Reply } | { ok: false; message: string };

/** Parse and validate one line from the helper. Never throws. */
export function parseReply(line: string): ParsedReply {
  let v: unknown;
  try {
    v = JSON.parse(line) as unknown;
  } catch (e) {
    return { ok: false, message: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isObject(v)) return { ok: false, message: `a reply must be a JSON object, not ${describe(v)}` };
  const type = v.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(replyShapes, type)) {
    return { ok: false, message: `unknown reply type ${describe(type)}` };
  }
  const { shape, optional } = replyShapes[type as Reply['type']];
  const e = object({ type: () => null, ...shape }, false, optional)(v, type);
  return e ? { ok: false, message: e } : { ok: true, reply: v as unknown as Reply };
}

// ---------------------------------------------------------------------------
// Framing

/** One complete line, or the notice that a line was longer than the limit (and dropped). */
export type LineEvent = { line: string } | { tooLong: number };

/**
 * Splits a byte stream into newline-terminated UTF-8 lines (a trailing CR is dropped).
 * A line longer than `maxBytes` is never buffered whole: its bytes are discarded as
 * they arrive and one `tooLong` event (with the line's size) is emitted at its end.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      this.size += piece.length;
      if (!this.discarding) {
        if (this.size > this.maxBytes) {
          this.discarding = true;
          this.parts = [];
        } else if (piece.length) {
          this.parts.push(piece);
        }
      }
      if (nl < 0) break;
      out.push(this.finish());
      start = nl + 1;
    }
    return out;
  }

  /** Bytes of the unfinished line buffered so far. */
  get pending(): number {
    return this.size;
  }

  private finish(): LineEvent {
    const size = this.size;
    const parts = this.parts;
    const discarded = this.discarding;
    this.parts = [];
    this.size = 0;
    this.discarding = false;
    if (discarded) return { tooLong: size };
    let s = (parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString('utf8');
    if (s.endsWith('\r')) s = s.slice(0, -1);
    return { line: s };
  }
}

/** Serialise one message as an NDJSON line. */
export function encodeLine(msg: Request | Reply): string {
  return JSON.stringify(msg) + '\n';
}
