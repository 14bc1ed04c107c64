// Reading cgroups: a process's /proc/PID/cgroup (once per process, by the sampler), the kernel's
// figures of a group's cgroup under /sys/fs/cgroup (each sample, for the groups present), the
// system's memory pressure, and container names that a runtime keeps on disk.
// Parsing is src/core/cgroup.ts; docs/cgroups.md says what the figures mean.
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { LIMIT_KEYS, parseMemoryEvents, parseMemoryStatV1, parseMemoryStatV2, parseV1Events, type CgroupLimits } from '../core/cgroupMemory';
import {
  parseBytesKb,
  parsePressure,
  procCgroup,
  type CgroupCounters,
  type CgroupReader,
  type ContainerId,
  type FigureDirs,
  type Pressure,
  type ProcCgroup,
} from '../core/cgroup';
import { capText, TEXT_CAP } from '../core/capText';
import { printable } from '../core/printable';
import { readText } from './readfile';

/** Where the hierarchies are mounted under a root ('/' for the live system). */
export interface CgroupMounts {
  /** The v2 tree: /sys/fs/cgroup (pure v2) or /sys/fs/cgroup/unified (hybrid); null if none. */
  unified: string | null;
  /** The v1 memory controller; null if none. */
  memory: string | null;
}

export function cgroupMounts(root: string): CgroupMounts {
  const base = posix.join(root, 'sys/fs/cgroup');
  const v2 = [base, posix.join(base, 'unified')].find((d) => existsSync(posix.join(d, 'cgroup.procs')) && existsSync(posix.join(d, 'cgroup.controllers')));
  const mem = posix.join(base, 'memory');
  return { unified: v2 ?? null, memory: existsSync(posix.join(mem, 'memory.usage_in_bytes')) ? mem : null };
}

/**
 * Docker keeps a container's name in config.v2.json (root-only, no daemon needed); Podman's is
 * in a database (not read). A cgroup under a user's systemd manager (user@UID.service) is
 * delegated: its user names it, `docker-<id of a real container>.scope` included, and the
 * rootful daemon's files say nothing of it (docs/cgroups.md): no name is looked up there.
 */
export function containerName(root: string, c: ContainerId): string | null {
  if (c.runtime !== 'docker' || !/^[0-9a-f]{64}$/.test(c.id) || /(^|\/)user@\d+\.service(\/|$)/.test(c.dir)) return null;
  const t = readText(posix.join(root, 'var/lib/docker/containers', c.id, 'config.v2.json')).text;
  if (t === null) return null;
  try {
    const name = (JSON.parse(t) as { Name?: unknown }).Name;
    return typeof name === 'string' && name !== '' ? capText(printable(name.replace(/^\//, '')), TEXT_CAP.cgroup) : null;
  } catch {
    return null;
  }
}

/** A process's cgroup, every string made printable; null when /proc/PID/cgroup is unreadable. */
export function readProcCgroup(root: string, pid: number): ProcCgroup | null {
  const t = readText(posix.join(root, 'proc', String(pid), 'cgroup')).text;
  if (t === null) return null;
  const c = procCgroup(t, (id) => containerName(root, id));
  // Read as latin1 (byte-exact: the dirs are opened); shown as the UTF-8 a name is, capped.
  const p = (s: string) => capText(printable(Buffer.from(s, 'latin1').toString('utf8')), TEXT_CAP.cgroup);
  const place = (x: ProcCgroup['unit']) => ({ key: p(x.key), info: p(x.info), dir: x.dir });
  // Keys and infos are shown; the dirs stay raw, they are only opened.
  return { path: p(c.path), unit: place(c.unit), container: place(c.container), memory: c.memory };
}

/** A cgroup path is the kernel's, but a user may name delegated cgroups: never leave the mount. */
function inside(mount: string, dir: string): string | null {
  if (dir.includes('\0') || dir.split('/').some((c) => c === '..' || c === '.')) return null;
  return posix.join(mount, dir);
}

const text = (dir: string, file: string): string | null => readText(posix.join(dir, file)).text;

function kb(dir: string, file: string): number | null {
  return parseBytesKb(readText(posix.join(dir, file)).text);
}

/** The counters of one group's cgroup, in KB (v2 files, or v1's where memory is a v1 controller). */
export function readCgroupCounters(m: CgroupMounts, where: FigureDirs): CgroupCounters {
  const none: CgroupCounters = { current: null, limit: null, peak: null, swap: null, pressure: null };
  const v2 = m.unified === null ? null : inside(m.unified, where.dir);
  const pressure = v2 === null ? null : (parsePressure(readText(posix.join(v2, 'memory.pressure')).text)?.some ?? null);
  if (!where.v1) {
    if (v2 === null) return none;
    const limits: CgroupLimits = {};
    const files = { min: 'memory.min', low: 'memory.low', high: 'memory.high', max: 'memory.max', swapMax: 'memory.swap.max' } as const;
    for (const k of LIMIT_KEYS) {
      const t = text(v2, files[k]);
      if (t !== null) limits[k] = parseBytesKb(t); // `max` (or what cannot be read as bytes): none
    }
    return {
      current: kb(v2, 'memory.current'),
      limit: limits.max ?? null,
      peak: kb(v2, 'memory.peak'),
      swap: kb(v2, 'memory.swap.current'),
      pressure,
      stat: parseMemoryStatV2(text(v2, 'memory.stat')),
      events: parseMemoryEvents(text(v2, 'memory.events')),
      limits,
    };
  }
  const v1 = m.memory === null || where.memory === null ? null : inside(m.memory, where.memory);
  if (v1 === null) return { ...none, pressure };
  const current = kb(v1, 'memory.usage_in_bytes');
  const memsw = kb(v1, 'memory.memsw.usage_in_bytes');
  const limit = kb(v1, 'memory.limit_in_bytes');
  const memswLimit = kb(v1, 'memory.memsw.limit_in_bytes');
  return {
    current,
    limit,
    peak: kb(v1, 'memory.max_usage_in_bytes'),
    swap: memsw !== null && current !== null ? Math.max(0, memsw - current) : null,
    pressure,
    stat: parseMemoryStatV1(text(v1, 'memory.stat'), text(v1, 'memory.kmem.usage_in_bytes')),
    events: parseV1Events(text(v1, 'memory.oom_control'), text(v1, 'memory.failcnt')),
    // v1 has no min or high; its soft limit is the nearest to low; memsw limits memory + swap.
    limits: {
      low: kb(v1, 'memory.soft_limit_in_bytes'),
      max: limit,
      swapMax: memswLimit !== null && limit !== null ? Math.max(0, memswLimit - limit) : null,
    },
  };
}

/** Where a memory cgroup PATH is: the v1 memory hierarchy when it has it there, else the v2 tree; null when neither has it. */
export function locateCgroup(m: CgroupMounts, path: string): FigureDirs | null {
  const v1 = m.memory === null ? null : inside(m.memory, path);
  if (v1 !== null && existsSync(posix.join(v1, 'memory.usage_in_bytes'))) return { dir: path, v1: true, memory: path };
  const v2 = m.unified === null ? null : inside(m.unified, path);
  if (v2 !== null && existsSync(posix.join(v2, 'memory.current'))) return { dir: path, v1: false, memory: null };
  return null;
}

/** A reader for the Reporter; `root` is asked each time (a replayed tree changes it). */
export function cgroupReader(root: () => string): CgroupReader {
  let mountsOf: { root: string; m: CgroupMounts } | null = null;
  return (where) => {
    const r = root();
    if (mountsOf?.root !== r) mountsOf = { root: r, m: cgroupMounts(r) };
    return readCgroupCounters(mountsOf.m, where);
  };
}

/** /proc/pressure/memory; null where the kernel has no PSI (or it is off). */
export function readSystemPressure(root: string): Pressure | null {
  return parsePressure(readText(posix.join(root, 'proc/pressure/memory')).text);
}
