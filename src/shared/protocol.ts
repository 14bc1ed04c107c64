// The one definition of the messages between the extension host and the sampler
// helper (newline-delimited JSON; docs/protocol.md), with the run-time validators
// that each receiving end applies (built from validate.ts). Pure: no I/O, no `vscode`,
// no Node APIs (the line splitter, which uses Buffer, is framing.ts).
import { WIRE_FIGURES, type WireFigure } from '../core/figures';
import { zeroMem, type GroupMember, type GroupRow, type Report } from '../core/types';
import { checkKillResult, isKillPid, KILL_SIGNALS, killTargetsCheck, PID_MAX_LIMIT, type KillResult, type KillSignal, type KillTarget } from './kill';
import { checkMapsResult, type MapsResult } from './mapsSchema';
import {
  checkRecordingSeriesResult,
  recordingRequestShape,
  recordingResultCheck,
  recordingSeriesRequestShape,
  seriesQueryProblem,
  type RecordingQuery,
  type RecordingResult,
  type RecordingSeriesQuery,
  type RecordingSeriesResult,
} from './recordingSchema';
import { reportCheck } from './reportSchema';
import { defaultEngineOptions, engineOptionsCheck, minDeltaOf, type EngineOptionKey, type EngineOptions } from './engineOptions';
import {
  arrayOf,
  bool,
  count,
  describe,
  explain,
  int,
  isInt,
  isObject,
  hasOwn,
  item,
  nullable,
  num,
  object,
  oneOf,
  str,
  type Check,
  type Path,
  conforms,
  type ShapeOf,
} from './validate';

export type { KillOutcome, KillResult, KillSignal, KillTarget } from './kill';
export type { MapsOutcome, MapsResult } from './mapsSchema';
// The helper's kill (src/sampler/kill.ts) reads the kill vocabulary through this file.
export { DEFAULT_KILL_SIGNAL, isKillPid, KILL_SIGNALS, PID_MAX_LIMIT } from './kill';

/** Bumped on any incompatible change; the host refuses a helper that speaks another. */
export const PROTOCOL_VERSION = 7;
/** Longest request line the helper accepts (bytes, without the newline). */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Longest reply line the host accepts (a sample of a very busy machine stays far below). */
export const MAX_REPLY_BYTES = 256 * 1024 * 1024;
/** In the connect-back directory of `--connect DIR`: the host's socket, and the one-time token (mode 0600). */
export const SOCKET_FILE = 'helper.sock';
export const TOKEN_FILE = 'token';

// ---------------------------------------------------------------------------
// Shapes

/**
 * The helper's `configure`: the engine's options (src/shared/engineOptions.ts, the same names as
 * the catalogue and the CLI) that the helper uses; the host keeps history, leaks and units.
 */
export type HelperConfig = Pick<EngineOptions, HelperConfigKey> & {
  /** The +NK/-NK threshold k in force (docs/columns.md#the-other-columns): > 0 growth ≥ k only; ≤ 0 any change ≥ |k|. */
  minDeltaKb: number;
};
export const HELPER_CONFIG_KEYS = [
  'groupBy',
  'sortBy',
  'detail',
  'minDeltaKb',
  'riseToTop',
  'cmdlen',
  'cpuAvgSecs',
  'showCpu',
  'filter',
  'showOom',
  'showThp',
  'showKsm',
  'walkBudgetMs',
  'maxAgeSeconds',
] as const satisfies readonly EngineOptionKey[];
export type HelperConfigKey = (typeof HELPER_CONFIG_KEYS)[number];

export function defaultHelperConfig(): HelperConfig {
  const d = defaultEngineOptions();
  const c = Object.fromEntries(HELPER_CONFIG_KEYS.map((k) => [k, d[k]])) as Omit<HelperConfig, 'minDeltaKb'>;
  return { ...c, minDeltaKb: minDeltaOf(d) };
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

export const CAPABILITIES = ['hello', 'configure', 'sample', 'kill', 'ping', 'kill-escalate', 'detail', 'kill-signals', 'maps', 'recording', 'recording-series'] as const;

// host → helper
export type Request =
  | { type: 'hello'; id: number }
  | { type: 'configure'; id: number; config: Partial<HelperConfig> }
  | { type: 'sample'; id: number }
  /** `signal`: one of KILL_SIGNALS (absent: SIGTERM); `escalate` applies to SIGTERM only. */
  | { type: 'kill'; id: number; targets: KillTarget[]; escalate: boolean; signal?: KillSignal }
  | { type: 'ping'; id: number }
  /** One process's mappings, grouped (src/core/maps.ts); refused when the pid now names another process. */
  | { type: 'maps'; id: number; pid: number; starttime: number }
  /** A moment of a flight recording on the helper's host, read-only (recordingSchema.ts). */
  | ({ type: 'recording'; id: number } & RecordingQuery)
  /** One group's memory over a span of a recording, at most `points` samples (recordingSchema.ts). */
  | ({ type: 'recordingSeries'; id: number } & RecordingSeriesQuery);
export type RequestType = Request['type'];
export const REQUEST_TYPES: readonly RequestType[] = ['hello', 'configure', 'sample', 'kill', 'ping', 'maps', 'recording', 'recordingSeries'];

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
  | { type: 'maps'; id: number; seq: number; result: MapsResult }
  | { type: 'recording'; id: number; seq: number; result: RecordingResult<WireReport> }
  | { type: 'recordingSeries'; id: number; seq: number; result: RecordingSeriesResult }
  | { type: 'error'; id: number | null; seq: number; code: ErrorCode; message: string };

/**
 * A group member on the wire: a tuple in this order, not an object. A sample carries
 * every process of the machine, and spelling out eleven keys per process made its line
 * three times longer (47 KiB for 300 sleeps) — most of what the protocol cost. The figures
 * and their places are the registry's (WIRE_FIGURES, src/core/figures.ts).
 */
export type WireMember = [
  pid: number,
  starttime: number,
  cmd: string,
  /** The registry's wire figures (cpu, the Mem fields) in their places, then oom_score when the helper reads it. */
  ...figures: number[],
];
/** The figures after pid, starttime and cmd: the registry's wire figures (src/core/figures.ts), by their place. */
const WIRE_AT = 3;
const WIRE_MEMBER_FIELDS = ['pid', 'starttime', 'cmd', ...WIRE_FIGURES.map((f) => f.key)];
export type WireRow = Omit<GroupRow, 'members'> & { members: WireMember[] };
/** `Report` as the `sample` reply carries it: the same but for the members' tuples. */
export type WireReport = Omit<Report, 'total' | 'rows'> & { total: WireRow; rows: WireRow[] };

/** A wire figure's value: cpu, or a Mem field. */
const wireValue = (m: GroupMember, f: WireFigure): number => (f.key === 'cpu' ? m.cpu : m.mem[f.key]);

function toWireMember(m: GroupMember): WireMember {
  const w = [m.pid, m.starttime, m.cmd, ...WIRE_FIGURES.map((f) => wireValue(m, f))] as WireMember;
  if (m.oom !== undefined) w.push(m.oom);
  return w;
}

function fromWireMember(w: WireMember): GroupMember {
  const [pid, starttime, cmd, ...figures] = w;
  const mem = zeroMem();
  let cpu = 0;
  WIRE_FIGURES.forEach((f, i) => {
    if (f.key === 'cpu') cpu = figures[i];
    else mem[f.key] = figures[i];
  });
  const m: GroupMember = { pid, starttime, cmd, mem, cpu };
  const oom = figures[WIRE_FIGURES.length];
  if (oom !== undefined) m.oom = oom;
  return m;
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
// Validation (the toolkit of validate.ts)

/** A request id: an integer 0 … 2^53−1. */
export function isRequestId(v: unknown): v is number {
  return isInt(v) && v >= 0;
}

// ---------------------------------------------------------------------------
// Requests (checked by the helper)

const checkPartialConfig = withMinDelta(engineOptionsCheck(HELPER_CONFIG_KEYS));

/** The helper's threshold is the one in force: a number, never the automatic null. */
function withMinDelta(c: Check): Check {
  return (v, path) => (isObject(v) && v.minDeltaKb === null ? `${path}.minDeltaKb must be a number, not null` : c(v, path));
}

const checkKillTargets = killTargetsCheck({ once: true, nonEmpty: false });

/** The fields of a message of one type, but its type (and, for a request, its id: checked first). */
type FieldsOf<U extends { type: string }, T extends U['type'], Omitted extends string = 'type'> = Omit<Extract<U, { type: T }>, Omitted>;

const requestShapes: { [T in RequestType]: ShapeOf<FieldsOf<Request, T, 'type' | 'id'>> } = {
  hello: {},
  configure: { config: checkPartialConfig },
  sample: {},
  kill: { targets: checkKillTargets, escalate: bool, signal: oneOf(KILL_SIGNALS) },
  ping: {},
  maps: {
    pid: (v, path) => (isKillPid(v) ? null : `${path} must be a process id (an integer from 1 to ${PID_MAX_LIMIT}), not ${describe(v)}`),
    starttime: count,
  },
  recording: recordingRequestShape,
  recordingSeries: recordingSeriesRequestShape,
};
/** Request fields that may be left out. */
const requestOptional: { [T in RequestType]?: (keyof FieldsOf<Request, T>)[] } = { kill: ['signal'] };

export type ParsedRequest =
  | { ok: true; request: Request }
  | { ok: false; id: number | null; code: ErrorCode; message: string };

/**
 * Why a line is not JSON, without its text: JSON.parse quotes the line, and a line that
 * is not JSON may be anything — a password's second line reaching the helper's stdin.
 */
function notJson(line: string, e: unknown): string {
  const at = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  return `not JSON (${line.length} characters${at ? `, error at position ${at[1]}` : ''}; the text is not repeated)`;
}

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
    return { ok: false, id: null, code: 'not-json', message: notJson(line, e) };
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
      message: hasOwn(v, 'id') ? `id must be an integer from 0 to 2^53-1, not ${describe(v.id)}` : 'id is missing',
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
  const e = explain(object({ id: () => null, type: () => null, ...requestShapes[rt] }, true, requestOptional[rt]), v, rt);
  if (!conforms<Request>(v, e)) return { ok: false, id, code: 'invalid', message: e ?? '' };
  const span = rt === 'recordingSeries' ? seriesQueryProblem(v as unknown as RecordingSeriesQuery) : null;
  if (span) return { ok: false, id, code: 'invalid', message: `recordingSeries: ${span}` };
  return { ok: true, request: v };
}

// ---------------------------------------------------------------------------
// Replies (checked by the host)

const checkWireMember: Check = (v, path) => {
  const n = WIRE_MEMBER_FIELDS.length;
  if (!Array.isArray(v) || (v.length !== n && v.length !== n + 1)) {
    return `${path} must be a member [${WIRE_MEMBER_FIELDS.join(', ')}, oom?], not ${Array.isArray(v) ? `an array of ${v.length}` : describe(v)}`;
  }
  return (
    count(v[0], item(path, 0, 'pid')) ??
    count(v[1], item(path, 1, 'starttime')) ??
    str(v[2], item(path, 2, 'cmd')) ??
    figureFields(v, path) ??
    (v.length > n ? num(v[n], item(path, n, 'oom')) : null)
  );
};
function figureFields(v: readonly unknown[], path: Path): string | null {
  for (let i = WIRE_AT; i < WIRE_MEMBER_FIELDS.length; i++) {
    const e = num(v[i], item(path, i, WIRE_MEMBER_FIELDS[i]));
    if (e) return e;
  }
  return null;
}
/** The one Report schema (reportSchema.ts), with members as WireMember tuples. */
const checkWireReport: Check = reportCheck(checkWireMember);

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
const checkFullConfig: Check = withMinDelta(engineOptionsCheck(HELPER_CONFIG_KEYS, false));
const checkId: Check = (v, path) => (isRequestId(v) ? null : `${path} must be a request id, not ${describe(v)}`);
const checkSeq = count;

const replyShapes: { [T in Reply['type']]: { shape: ShapeOf<FieldsOf<Reply, T>>; optional?: (keyof FieldsOf<Reply, T>)[] } } = {
  hello: { shape: { id: nullable(checkId), seq: checkSeq, hello: checkHello, token: str }, optional: ['token'] },
  configure: { shape: { id: checkId, seq: checkSeq, config: checkFullConfig } },
  sample: { shape: { id: checkId, seq: checkSeq, report: checkWireReport, ms: num } },
  kill: { shape: { id: checkId, seq: checkSeq, results: arrayOf(checkKillResult) } },
  ping: { shape: { id: checkId, seq: checkSeq } },
  maps: { shape: { id: checkId, seq: checkSeq, result: checkMapsResult } },
  recording: { shape: { id: checkId, seq: checkSeq, result: recordingResultCheck(checkWireReport) } },
  recordingSeries: { shape: { id: checkId, seq: checkSeq, result: checkRecordingSeriesResult } },
  error: { shape: { id: nullable(checkId), seq: checkSeq, code: oneOf(ERROR_CODES), message: str } },
};

export type ParsedReply = { ok: true; reply: Reply } | { ok: false; message: string };

/** Parse and validate one line from the helper. Never throws. */
export function parseReply(line: string): ParsedReply {
  let v: unknown;
  try {
    v = JSON.parse(line) as unknown;
  } catch (e) {
    return { ok: false, message: notJson(line, e) };
  }
  if (!isObject(v)) return { ok: false, message: `a reply must be a JSON object, not ${describe(v)}` };
  const type = v.type;
  if (typeof type !== 'string' || !hasOwn(replyShapes, type)) {
    return { ok: false, message: `unknown reply type ${describe(type)}` };
  }
  const { shape, optional } = replyShapes[type as Reply['type']];
  const e = explain(object({ type: () => null, ...shape }, false, optional), v, type);
  return conforms<Reply>(v, e) ? { ok: true, reply: v } : { ok: false, message: e ?? '' };
}

// ---------------------------------------------------------------------------
// Framing (the line splitter is framing.ts's)

export { LineSplitter, type LineEvent } from './framing';

/** Serialise one message as an NDJSON line. */
export function encodeLine(msg: Request | Reply): string {
  return JSON.stringify(msg) + '\n';
}
