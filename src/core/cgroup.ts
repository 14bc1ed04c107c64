// Where a process runs, from /proc/PID/cgroup: its raw cgroup path, its systemd unit and its
// container; and the kernel's own figures of a group's cgroup (docs/cgroups.md). Pure: the
// sampler reads the files (src/proc/cgroupfs.ts) and passes their text here.
import { waterfall, type CgroupEvents, type CgroupLimits, type CgroupParts, type MemoryStat } from './cgroupMemory';
import { printable } from './printable';

/** The paths one /proc/PID/cgroup gives (null: that hierarchy is not mounted or not listed). */
export interface CgroupPaths {
  /** The v2 (unified) path: the `0::/path` line. */
  unified: string | null;
  /** The `name=systemd` v1 hierarchy of a hybrid system. */
  systemd: string | null;
  /** The v1 memory controller's path (hybrid or v1 systems). */
  memory: string | null;
}

/** A group a process falls in: its key, what the row shows, and the cgroup directory that is exactly the group (null: none). */
export interface CgroupPlace {
  key: string;
  info: string;
  dir: string | null;
}

/** What the sampler keeps per process (made printable there), read once per pid + start time. */
export interface ProcCgroup {
  /** The raw path that names the process's cgroup (v2, else name=systemd, else memory). */
  path: string;
  unit: CgroupPlace;
  container: CgroupPlace;
  /** The v1 memory controller's path when the memory figures live in a v1 hierarchy; null when they are v2's. */
  memory: string | null;
}

export const NO_UNIT = '(no unit)';
export const HOST = 'host';
/** The share of its limit at which a group is marked `limit?`. */
export const NEAR_LIMIT_SHARE = 0.9;

/** Parse /proc/PID/cgroup: `hierarchy-ID:controller-list:path` lines. Malformed lines are skipped. */
export function parseProcCgroup(text: string): CgroupPaths {
  const out: CgroupPaths = { unified: null, systemd: null, memory: null };
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const id = line.slice(0, a);
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (!path.startsWith('/')) continue;
    if (id === '0' && controllers === '') out.unified = path;
    else if (controllers.split(',').includes('memory')) out.memory = path;
    else if (controllers === 'name=systemd') out.systemd = path;
  }
  return out;
}

/**
 * The path that names the cgroup: on a hybrid system the unified tree may hold everything at `/`
 * while name=systemd holds the real place, so the first path that is not the root wins.
 */
export function namingPath(p: CgroupPaths): string {
  for (const c of [p.unified, p.systemd, p.memory]) if (c !== null && c !== '/') return c;
  return p.unified ?? p.systemd ?? p.memory ?? '/';
}

function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}

const joinDir = (parts: readonly string[], n: number): string => '/' + parts.slice(0, n).join('/');

const isUnit = (c: string): boolean => c.endsWith('.service') || c.endsWith('.scope');

/**
 * The systemd unit: the first service or scope on the path. Inside a user manager
 * (`user@1000.service`) the unit under it names the group as `user@1000/app-foo.scope`.
 * Outside systemd: the raw path, or `(no unit)` at the root.
 */
export function unitOf(path: string): CgroupPlace {
  const parts = components(path);
  const i = parts.findIndex(isUnit);
  if (i < 0) {
    if (parts.length === 0) return { key: NO_UNIT, info: NO_UNIT, dir: null };
    return { key: path, info: path, dir: path };
  }
  const unit = parts[i];
  const manager = /^user@(\d+)\.service$/.exec(unit);
  if (manager) {
    const j = parts.findIndex((c, k) => k > i && isUnit(c));
    if (j > i) {
      const key = `user@${manager[1]}/${parts[j]}`;
      return { key, info: key, dir: joinDir(parts, j + 1) };
    }
  }
  return { key: unit, info: unit, dir: joinDir(parts, i + 1) };
}

const HEX64 = /^[0-9a-f]{64}$/;
/** Scope names of container runtimes under systemd, with the runtime each means. */
const SCOPES: readonly [RegExp, string][] = [
  [/^docker-([0-9a-f]{64})\.scope$/, 'docker'],
  [/^libpod-([0-9a-f]{64})\.scope$/, 'podman'],
  [/^cri-containerd-([0-9a-f]{64})\.scope$/, 'containerd'],
  [/^nerdctl-([0-9a-f]{64})\.scope$/, 'containerd'],
  [/^crio-([0-9a-f]{64})\.scope$/, 'crio'],
];
const POD_DIR = /^pod([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const POD_SLICE = /^kubepods(?:-[a-z]+)?-pod([0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12})\.slice$/;

/** A container's full id and runtime as found on a path (null: a host process). */
export interface ContainerId {
  runtime: string;
  /** The 64-hex id, or for a pod-level process the pod's uid. */
  id: string;
  /** The Kubernetes pod uid when the container is in a pod. */
  pod: string | null;
  /** The cgroup directory of the container (or pod). */
  dir: string;
}

function scopeId(c: string): { runtime: string; id: string } | null {
  for (const [re, runtime] of SCOPES) {
    const m = re.exec(c);
    if (m) return { runtime, id: m[1] };
  }
  return null;
}

/** Recognise Docker, Podman, containerd, CRI-O, Kubernetes pods and systemd machines from a cgroup path. */
export function containerIdOf(path: string): ContainerId | null {
  const parts = components(path);
  if (parts.some((c) => c.startsWith('kubepods'))) {
    const p = parts.findIndex((c) => POD_DIR.test(c) || POD_SLICE.test(c));
    if (p >= 0) {
      const pm = POD_DIR.exec(parts[p]) ?? POD_SLICE.exec(parts[p]);
      const pod = (pm?.[1] ?? '').replace(/_/g, '-');
      const next = parts[p + 1];
      const cid = next === undefined ? null : HEX64.test(next) ? next : scopeId(next)?.id ?? null;
      if (cid) return { runtime: 'k8s', id: cid, pod, dir: joinDir(parts, p + 2) };
      return { runtime: 'k8s', id: pod, pod, dir: joinDir(parts, p + 1) };
    }
  }
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i];
    const s = scopeId(c);
    if (s) return { ...s, pod: null, dir: joinDir(parts, i + 1) };
    if (HEX64.test(c)) {
      // cgroupfs drivers: /docker/<id>, containerd's /<namespace>/<id>.
      return { runtime: parts[i - 1] === 'docker' ? 'docker' : 'containerd', id: c, pod: null, dir: joinDir(parts, i + 1) };
    }
    const lxc = /^lxc\.payload\.(.+)$/.exec(c) ?? (parts[i - 1] === 'lxc' ? [c, c] : null);
    if (lxc) return { runtime: 'lxc', id: lxc[1], pod: null, dir: joinDir(parts, i + 1) };
    const machine = parts[i - 1] === 'machine.slice' ? /^machine-(.+)\.scope$/.exec(c) : null;
    if (machine) return { runtime: 'machine', id: machine[1], pod: null, dir: joinDir(parts, i + 1) };
  }
  return null;
}

/** Ids are shown as their first 12 characters, as `docker ps` does. */
export const shortId = (id: string): string => (HEX64.test(id) ? id.slice(0, 12) : id);

/** The container group: `docker:0123456789ab` (plus its name when known), or `host`. */
export function containerOf(path: string, name: string | null = null): CgroupPlace {
  const c = containerIdOf(path);
  if (!c) return { key: HOST, info: HOST, dir: null };
  if (c.pod !== null && c.id === c.pod) {
    const key = `k8s:pod-${c.pod}`;
    return { key, info: key, dir: c.dir };
  }
  // Under a user's systemd manager the user names the cgroups (a rootless runtime's, or any
  // `docker-<id>.scope` the user makes): the key says whose, so such a group never merges
  // with the system's container of the same id (docs/cgroups.md).
  const owner = /(?:^|\/)user@(\d+)\.service(?:\/|$)/.exec(c.dir);
  const key = `${c.runtime}:${shortId(c.id)}${owner ? ` (user@${owner[1]})` : ''}`;
  const info = [key, name, c.pod === null ? null : `pod-${c.pod}`].filter((x) => x).join(' ');
  return { key, info, dir: c.dir };
}

/** Everything about one process's cgroup, from its /proc/PID/cgroup text. */
export function procCgroup(text: string, containerName: (c: ContainerId) => string | null = () => null): ProcCgroup {
  const paths = parseProcCgroup(text);
  const path = namingPath(paths);
  // A hybrid system's unified line may name the runtime's service (containerd.service) while the
  // v1 hierarchies name the container: any hierarchy that names one wins.
  const inContainer = [paths.unified, paths.systemd, paths.memory].find((p) => p !== null && containerIdOf(p) !== null) ?? path;
  const cid = containerIdOf(inContainer);
  return { path, unit: unitOf(path), container: containerOf(inContainer, cid ? containerName(cid) : null), memory: paths.memory };
}

/** The kernel's figures of one cgroup, in KB (null: the file is absent or says none). */
export interface CgroupFigures {
  /** The cgroup directory the figures are from. */
  dir: string;
  current: number;
  limit: number | null;
  peak: number | null;
  swap: number | null;
  /** PSI `some avg10` of the group's memory.pressure (% of time some task stalled on memory). */
  pressure: number | null;
  /** current ≥ NEAR_LIMIT_SHARE of the limit. */
  nearLimit: boolean;
  /** The usage split into parts that add up to `current` (absent without memory.stat). */
  parts?: CgroupParts;
  /** memory.events as changes since the view started (absent where the kernel has none). */
  events?: CgroupEvents;
  /** The kernel's counters themselves (since the cgroup was made). */
  eventsTotal?: CgroupEvents;
  limits?: CgroupLimits;
}

/** Byte figures above this are the kernel's "no limit" (v1 prints PAGE_COUNTER_MAX pages). */
const NO_LIMIT_BYTES = 2 ** 60;

/** A memory.max / memory.limit_in_bytes / counter file in KB; null for `max`, huge or malformed. */
export function parseBytesKb(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= NO_LIMIT_BYTES ? null : Math.floor(n / 1024);
}

/** The `some`/`full` avg10 of a PSI file (/proc/pressure/memory or a cgroup's memory.pressure). */
export interface Pressure {
  some: number;
  /** null where the file has no `full` line (older kernels' cpu pressure, not memory's). */
  full: number | null;
}

export function parsePressure(text: string | null): Pressure | null {
  if (text === null) return null;
  let some: number | null = null;
  let full: number | null = null;
  for (const line of text.split('\n')) {
    const m = /^(some|full) avg10=(\d+(?:\.\d+)?)\b/.exec(line);
    if (!m) continue;
    if (m[1] === 'some') some = Number(m[2]);
    else full = Number(m[2]);
  }
  return some === null ? null : { some, full };
}

/** The raw counters of a cgroup (KB) as the reader found them. */
export interface CgroupCounters {
  current: number | null;
  limit: number | null;
  peak: number | null;
  swap: number | null;
  pressure: number | null;
  /** memory.stat, events and limits: absent where the reader does not read them (or the kernel lacks them). */
  stat?: MemoryStat | null;
  events?: CgroupEvents | null;
  limits?: CgroupLimits | null;
}

/** What the waterfall needs of a group's members (KB): their PSS and its shared-memory part. */
export interface MemberPss {
  pss: number;
  pssShmem: number;
}

/**
 * A group's figures from its counters; null when the kernel gave no usage (not a memory cgroup).
 * With `members`, the waterfall; `eventChanges` turns the kernel's counters into the view's.
 */
export function cgroupFigures(
  dir: string,
  c: CgroupCounters,
  members: MemberPss | null = null,
  eventChanges: ((now: CgroupEvents) => CgroupEvents) | null = null,
): CgroupFigures | null {
  if (c.current === null) return null;
  const nearLimit = c.limit !== null && c.limit > 0 && c.current >= NEAR_LIMIT_SHARE * c.limit;
  const f: CgroupFigures = { dir: printable(dir), current: c.current, limit: c.limit, peak: c.peak, swap: c.swap, pressure: c.pressure, nearLimit };
  if (c.stat && members) f.parts = waterfall(c.current, c.stat, members);
  if (c.events) {
    f.eventsTotal = c.events;
    f.events = eventChanges ? eventChanges(c.events) : c.events;
  }
  if (c.limits) f.limits = c.limits;
  return f;
}

/** Where a group's kernel figures are: its directory in the naming hierarchy, and in a v1 memory hierarchy. */
export interface FigureDirs {
  /** In the naming hierarchy (v2 on v2 and hybrid systems): memory.pressure, and v2's memory files. */
  dir: string;
  /** The memory figures come from a v1 memory hierarchy (hybrid or v1 system). */
  v1: boolean;
  /** The group's directory in that v1 hierarchy; null when its members are not in one group there. */
  memory: string | null;
}

/** Reads the counters of a group's cgroup (src/proc/cgroupfs.ts). */
export type CgroupReader = (where: FigureDirs) => CgroupCounters;

/** The group of a process under a cgroup grouping. */
export function placeOf(c: ProcCgroup, by: 'unit' | 'container' | 'cgroup'): CgroupPlace {
  if (by === 'unit') return c.unit;
  if (by === 'container') return c.container;
  return { key: c.path, info: c.path, dir: c.path === '/' ? null : c.path };
}

function memoryPlace(path: string, by: 'unit' | 'container' | 'cgroup'): CgroupPlace {
  if (by === 'unit') return unitOf(path);
  if (by === 'container') return containerOf(path);
  return { key: path, info: path, dir: path === '/' ? null : path };
}

/** Where the figures of a process's group are; null when the group is no one cgroup (host, the root). */
export function figureDirsOf(c: ProcCgroup, by: 'unit' | 'container' | 'cgroup'): FigureDirs | null {
  const place = placeOf(c, by);
  if (place.dir === null) return null;
  if (c.memory === null) return { dir: place.dir, v1: false, memory: null };
  // The v1 memory hierarchy need not mirror the named one: use it only where it holds the same group.
  const m = memoryPlace(c.memory, by);
  return { dir: place.dir, v1: true, memory: m.key === place.key ? m.dir : null };
}

/** The figure directories of each group (by key): those its members agree on, else null. */
export function groupFigureDirs(cgroups: Iterable<ProcCgroup>, by: 'unit' | 'container' | 'cgroup'): Map<string, FigureDirs | null> {
  const out = new Map<string, FigureDirs | null>();
  for (const c of cgroups) {
    const key = placeOf(c, by).key;
    const d = figureDirsOf(c, by);
    if (!out.has(key)) out.set(key, d);
    else {
      const was = out.get(key) ?? null;
      if (!was || !d || was.dir !== d.dir || was.v1 !== d.v1) out.set(key, null);
      else if (was.memory !== d.memory) out.set(key, { ...was, memory: null });
    }
  }
  return out;
}
