// The one schema of a core Report, checked wherever a report crosses a boundary: the
// helper's `sample` reply (members as tuples, protocol.ts), the host's messages to the
// webview and snapshot files (members as objects). Only the member encoding differs.
// Pure and browser-safe.
import type { CgroupFigures, Pressure } from '../core/cgroup';
import type { CgroupEvents, CgroupLimits, CgroupParts } from '../core/cgroupMemory';
import { GROUP_BYS, MAX_NAMED_INACCESSIBLE, SORT_BYS, type GroupMember, type GroupRow, type KernelThreadCpu, type LeaderFigures, type Mem, type NamedPid, type Report, type ReportOptions, type RowType, type ZramEffective } from '../core/types';
import {
  arrayOf,
  int,
  oneOf,
  bool,
  count,
  describe,
  explain,
  isInt,
  isNum,
  isPlainObject,
  nullable,
  num,
  object,
  passes,
  str,
  withFastTest,
  type Check,
} from './validate';

const ROW_TYPE_RE = /^(T|A|O|x|[+-]\d+K)?$/;

export function isRowType(v: unknown): v is RowType {
  return typeof v === 'string' && ROW_TYPE_RE.test(v);
}

const checkRowType: Check = (v, path) => (isRowType(v) ? null : `${path} must be a row type, not ${describe(v)}`);

// Mem, members and rows come by the thousand: each is checked by a fast test first and by
// its shape (which names the field) only when the test fails. None of their field names is
// one Object.prototype has, so a plain object's fields are its own; protocol-report.test.ts
// holds each test to its shape.
const isCount = (v: unknown): boolean => isInt(v) && v >= 0;
const isMemFast = (m: unknown): boolean =>
  isPlainObject(m) &&
  isNum(m.pswap) &&
  isNum(m.shSYSV) &&
  isNum(m.shOth) &&
  isNum(m.stack) &&
  isNum(m.text) &&
  isNum(m.data) &&
  isNum(m.ptotal) &&
  isNum(m.uss) &&
  isNum(m.epss);
export const memShape: Check = object(
  { pswap: num, shSYSV: num, shOth: num, stack: num, text: num, data: num, ptotal: num, uss: num, epss: num } satisfies Record<keyof Mem, Check>,
  false,
);
export const checkMem: Check = withFastTest(isMemFast, memShape);

const isMemberFast = (m: unknown): boolean =>
  isPlainObject(m) &&
  isCount(m.pid) &&
  isCount(m.starttime) &&
  typeof m.cmd === 'string' &&
  isMemFast(m.mem) &&
  isNum(m.cpu) &&
  (m.oom === undefined || isNum(m.oom)) &&
  (m.thp === undefined || isNum(m.thp)) &&
  (m.ksm === undefined || isNum(m.ksm));
export const memberShape: Check = object(
  { pid: count, starttime: count, cmd: str, mem: checkMem, cpu: num, oom: num, thp: num, ksm: num, asOf: num } satisfies Record<keyof GroupMember, Check>,
  false,
  ['oom', 'thp', 'ksm', 'asOf'],
);
/** A member as the core (and the webview, and a snapshot file) holds it. */
export const checkMember: Check = withFastTest(isMemberFast, memberShape);

const checkParts: Check = object({ pss: num, pageCache: num, shmem: num, kernel: num, rest: num } satisfies Record<keyof CgroupParts, Check>, false);
const checkEvents: Check = object(
  { low: nullable(count), high: nullable(count), max: nullable(count), oom: nullable(count), oomKill: nullable(count) } satisfies Record<keyof CgroupEvents, Check>,
  false,
);
const checkLimits: Check = object(
  { min: nullable(num), low: nullable(num), high: nullable(num), max: nullable(num), swapMax: nullable(num) } satisfies Record<keyof CgroupLimits, Check>,
  false,
  ['min', 'low', 'high', 'max', 'swapMax'],
);
const checkKernel: Check = object(
  {
    dir: str,
    current: num,
    limit: nullable(num),
    peak: nullable(num),
    swap: nullable(num),
    pressure: nullable(num),
    nearLimit: bool,
    parts: checkParts,
    events: checkEvents,
    eventsTotal: checkEvents,
    limits: checkLimits,
  } satisfies Record<keyof CgroupFigures, Check>,
  false,
  ['parts', 'events', 'eventsTotal', 'limits'],
);
const checkPressure: Check = object({ some: num, full: nullable(num) } satisfies Record<keyof Pressure, Check>, false);

/** The shape of a group row whose members `member` checks. */
export function rowShape(member: Check): Check {
  return object(
    {
      key: str,
      info: str,
      type: checkRowType,
      delta: num,
      mem: checkMem,
      cpu: num,
      count,
      pid: nullable(count),
      members: arrayOf(member),
      oom: num,
      thp: num,
      ksm: num,
      kernel: checkKernel,
      asOf: num,
    } satisfies Record<keyof GroupRow, Check>,
    false,
    ['oom', 'thp', 'ksm', 'kernel', 'asOf'],
  );
}

export function rowCheck(member: Check): Check {
  const isMember = (m: unknown) => member(m, undefined) === null;
  const isRowFast = (r: unknown): boolean =>
    isPlainObject(r) &&
    typeof r.key === 'string' &&
    typeof r.info === 'string' &&
    isRowType(r.type) &&
    isNum(r.delta) &&
    isMemFast(r.mem) &&
    isNum(r.cpu) &&
    isCount(r.count) &&
    (r.pid === null || isCount(r.pid)) &&
    Array.isArray(r.members) &&
    r.members.every(isMember) &&
    (r.oom === undefined || isNum(r.oom)) &&
    (r.thp === undefined || isNum(r.thp)) &&
    (r.ksm === undefined || isNum(r.ksm)) &&
    (r.kernel === undefined || passes(checkKernel, r.kernel));
  return withFastTest(isRowFast, rowShape(member));
}

const checkKthread: Check = object({ pid: count, comm: str, cpu: num } satisfies Record<keyof KernelThreadCpu, Check>, false);
const checkZram: Check = object(
  { zramUsed: num, ratio: num, eTot: num, eUsed: num, eAvail: num } satisfies Record<keyof ZramEffective, Check>,
  false,
);
const checkNamedPid: Check = object({ pid: count, name: str } satisfies Record<keyof NamedPid, Check>, false);
const checkLeader: Check = object(
  {
    time: num,
    memTotal: num,
    used: num,
    avail: num,
    oth: nullable(num),
    shTmp: num,
    dirty: num,
    pidsShown: count,
    pidsTotal: count,
    inaccessible: count,
    inaccessibleProcs: arrayOf(checkNamedPid, MAX_NAMED_INACCESSIBLE),
    search: str,
    kernelCpu: num,
    topKernelThreads: arrayOf(checkKthread),
    zram: nullable(checkZram),
    majfaultsPerSec: num,
    pressure: nullable(checkPressure),
    stale: count,
  } satisfies Record<keyof LeaderFigures, Check>,
  false,
  ['pressure', 'inaccessibleProcs', 'stale'],
);

const checkReportOptions = object(
  {
    groupBy: oneOf(GROUP_BYS),
    sortBy: oneOf(SORT_BYS),
    minDeltaKb: int(-(2 ** 40), 2 ** 40),
    riseToTop: bool,
    cmdlen: int(1, 100_000),
    search: str,
  } satisfies Record<keyof ReportOptions, Check>,
  false,
);

/** The Report schema, with `member` checking each group member in its encoding. */
export function reportCheck(member: Check): Check {
  const row = rowCheck(member);
  return object(
    { leader: checkLeader, detail: bool, total: row, rows: arrayOf(row), options: checkReportOptions } satisfies Record<keyof Report, Check>,
    false,
  );
}

export const checkReport: Check = reportCheck(checkMember);

/** What is wrong with something that should be a core Report (null: nothing), naming the field. */
export function reportProblem(x: unknown, path = 'report'): string | null {
  return explain(checkReport, x, path);
}

export function isReport(x: unknown): x is Report {
  return passes(checkReport, x);
}
