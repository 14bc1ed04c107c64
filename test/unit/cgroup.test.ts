import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupFigures,
  figureDirsOf,
  groupFigureDirs,
  parseBytesKb,
  parsePressure,
  parseProcCgroup,
  procCgroup,
  type ProcCgroup,
} from '../../src/core/cgroup';
import { kernelText, pressureText } from '../../src/core/format';
import { cgroupMounts, cgroupReader, containerName, readCgroupCounters, readProcCgroup } from '../../src/proc/cgroupfs';

const DIR = join(__dirname, '..', '..', 'fixtures', 'cgroup');
const fixture = (name: string): string => readFileSync(join(DIR, name), 'utf8');

const DOCKER = '3f1e2d4c5b6a79880f1e2d3c4b5a69788f9e0d1c2b3a49586f7e8d9c0b1a2934';
const PODMAN = '9a8b7c6d5e4f30211a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081';
const K8S = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const CTR = 'c0ffee00deadbeef0123456789abcdef0123456789abcdef0123456789abcdef';
const POD = '1b2c3d4e-5f60-4718-293a-4b5c6d7e8f90';
const POD_ = POD.replace(/-/g, '_');

// Each runtime's layout of /proc/PID/cgroup: the unit, the container and its cgroup directory.
const CASES: { file: string; path: string; unit: string; container: string; info?: string; dir: string | null }[] = [
  { file: 'docker-systemd-v2.txt', path: `/system.slice/docker-${DOCKER}.scope`, unit: `docker-${DOCKER}.scope`, container: 'docker:3f1e2d4c5b6a', dir: `/system.slice/docker-${DOCKER}.scope` },
  // Hybrid, cgroupfs driver: the unified line names containerd.service; the v1 lines name the container.
  { file: 'docker-cgroupfs-hybrid.txt', path: '/system.slice/containerd.service', unit: 'containerd.service', container: 'docker:3f1e2d4c5b6a', dir: `/docker/${DOCKER}` },
  { file: 'podman-root-v2.txt', path: `/machine.slice/libpod-${PODMAN}.scope/container`, unit: `libpod-${PODMAN}.scope`, container: 'podman:9a8b7c6d5e4f', dir: `/machine.slice/libpod-${PODMAN}.scope` },
  {
    file: 'podman-rootless-v2.txt',
    path: `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${PODMAN}.scope/container`,
    unit: `user@1000/libpod-${PODMAN}.scope`,
    // A rootless container is its user's: the key says so (a user names such cgroups).
    container: 'podman:9a8b7c6d5e4f (user@1000)',
    dir: `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${PODMAN}.scope`,
  },
  // conmon watches the container from the host.
  { file: 'podman-conmon-v2.txt', path: `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-conmon-${PODMAN}.scope`, unit: `user@1000/libpod-conmon-${PODMAN}.scope`, container: 'host', dir: null },
  { file: 'containerd-ctr-v2.txt', path: `/system.slice/containerd.service/default/${CTR}`, unit: 'containerd.service', container: 'containerd:c0ffee00dead', dir: `/system.slice/containerd.service/default/${CTR}` },
  {
    file: 'k8s-containerd-systemd-v2.txt',
    path: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_}.slice/cri-containerd-${K8S}.scope`,
    unit: `cri-containerd-${K8S}.scope`,
    container: 'k8s:0123456789ab',
    info: `k8s:0123456789ab pod-${POD}`,
    dir: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_}.slice/cri-containerd-${K8S}.scope`,
  },
  {
    file: 'k8s-crio-systemd-v2.txt',
    path: `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_}.slice/crio-${K8S}.scope`,
    unit: `crio-${K8S}.scope`,
    container: 'k8s:0123456789ab',
    dir: `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_}.slice/crio-${K8S}.scope`,
  },
  { file: 'k8s-guaranteed-v2.txt', path: `/kubepods.slice/kubepods-pod${POD_}.slice/cri-containerd-${K8S}.scope`, unit: `cri-containerd-${K8S}.scope`, container: 'k8s:0123456789ab', dir: `/kubepods.slice/kubepods-pod${POD_}.slice/cri-containerd-${K8S}.scope` },
  { file: 'k8s-cgroupfs-v1.txt', path: `/kubepods/burstable/pod${POD}/${K8S}`, unit: `/kubepods/burstable/pod${POD}/${K8S}`, container: 'k8s:0123456789ab', dir: `/kubepods/burstable/pod${POD}/${K8S}` },
  { file: 'k8s-pod-level-v2.txt', path: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_}.slice`, unit: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_}.slice`, container: `k8s:pod-${POD}`, dir: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_}.slice` },
  { file: 'lxc-v2.txt', path: '/lxc.payload.web/system.slice/nginx.service', unit: 'nginx.service', container: 'lxc:web', dir: '/lxc.payload.web' },
  { file: 'nspawn-v2.txt', path: '/machine.slice/machine-debian.scope/payload/system.slice/cron.service', unit: 'machine-debian.scope', container: 'machine:debian', dir: '/machine.slice/machine-debian.scope' },
  { file: 'service-v2.txt', path: '/system.slice/nginx.service', unit: 'nginx.service', container: 'host', dir: null },
  { file: 'service-hybrid.txt', path: '/system.slice/ssh.service', unit: 'ssh.service', container: 'host', dir: null },
  { file: 'user-app-v2.txt', path: '/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope', unit: 'user@1000/app-gnome-firefox-4242.scope', container: 'host', dir: null },
  { file: 'user-manager-v2.txt', path: '/user.slice/user-1000.slice/user@1000.service/init.scope', unit: 'user@1000/init.scope', container: 'host', dir: null },
  { file: 'session-v2.txt', path: '/user.slice/user-1000.slice/session-3.scope', unit: 'session-3.scope', container: 'host', dir: null },
  { file: 'init-v2.txt', path: '/init.scope', unit: 'init.scope', container: 'host', dir: null },
  { file: 'root-v2.txt', path: '/', unit: '(no unit)', container: 'host', dir: null },
  // This machine: unified and name=systemd at the root, the v1 memory controller elsewhere.
  { file: 'sandbox-hybrid.txt', path: '/process_api/e03e0cff9c6ee0c409f4eb0814f1e4b0', unit: '/process_api/e03e0cff9c6ee0c409f4eb0814f1e4b0', container: 'host', dir: null },
];

describe('procCgroup on each runtime\u2019s layout (fixtures/cgroup)', () => {
  it.each(CASES)('$file', ({ file, path, unit, container, info, dir }) => {
    const c = procCgroup(fixture(file));
    expect(c.path).toBe(path);
    expect(c.unit.key).toBe(unit);
    expect(c.container.key).toBe(container);
    if (info) expect(c.container.info).toBe(info);
    if (dir !== null) expect(c.container.dir).toBe(dir);
    else if (container === 'host') expect(c.container.dir).toBeNull();
  });

  it('names a Docker container from config.v2.json, and nothing for a runtime whose metadata is a database', () => {
    const root = join(DIR, 'docker-root');
    const c = procCgroup(fixture('docker-systemd-v2.txt'), (id) => containerName(root, id));
    expect(c.container).toMatchObject({ key: 'docker:3f1e2d4c5b6a', info: 'docker:3f1e2d4c5b6a web' });
    expect(procCgroup(fixture('podman-root-v2.txt'), (id) => containerName(root, id)).container.info).toBe('podman:9a8b7c6d5e4f');
    expect(containerName('/nonexistent', { runtime: 'docker', id: DOCKER, pod: null, dir: '/' })).toBeNull();
  });
});

describe('parseProcCgroup', () => {
  it('reads v2, name=systemd and the memory controller (also in a list), and skips garbage', () => {
    expect(parseProcCgroup('0::/a\n1:name=systemd:/b\n4:cpu,memory:/c\n')).toEqual({ unified: '/a', systemd: '/b', memory: '/c' });
    for (const g of ['', '\n', 'garbage', '0:', '0::relative', ':::', '\x00']) {
      expect(parseProcCgroup(g)).toEqual({ unified: null, systemd: null, memory: null });
    }
  });

  it('keeps colons inside a path', () => {
    expect(parseProcCgroup('0::/a:b\n').unified).toBe('/a:b');
  });
});

describe('the kernel figures', () => {
  it('reads bytes as KB, and max or the v1 page-counter maximum as no limit', () => {
    expect(parseBytesKb('1048576\n')).toBe(1024);
    expect(parseBytesKb('max\n')).toBeNull();
    expect(parseBytesKb('9223372036854771712\n')).toBeNull();
    expect(parseBytesKb(null)).toBeNull();
    expect(parseBytesKb('-1')).toBeNull();
  });

  it('parses PSI lines', () => {
    const t = 'some avg10=1.25 avg60=0.50 avg300=0.10 total=123\nfull avg10=0.75 avg60=0.00 avg300=0.00 total=9\n';
    expect(parsePressure(t)).toEqual({ some: 1.25, full: 0.75 });
    expect(parsePressure('some avg10=2.00 avg60=0 avg300=0 total=1\n')).toEqual({ some: 2, full: null });
    expect(parsePressure('')).toBeNull();
    expect(pressureText({ some: 1.25, full: 0.75 })).toBe('PSI some=1.25% full=0.75%');
  });

  it.each([
    [899, 1000, false],
    [900, 1000, true],
    [1200, 1000, true],
    [900, null, false],
  ] as const)('current %d of limit %s: near the limit %s', (current, limit, near) => {
    const f = cgroupFigures('/x', { current, limit, peak: null, swap: null, pressure: null });
    expect(f?.nearLimit).toBe(near);
    expect(kernelText(f!).endsWith('limit?')).toBe(near);
  });

  it('has no figures without a usage figure', () => {
    expect(cgroupFigures('/x', { current: null, limit: 5, peak: 1, swap: 0, pressure: 1 })).toBeNull();
  });

  it('takes v1 memory figures only where the v1 hierarchy holds the same group', () => {
    const hybrid = procCgroup(fixture('service-hybrid.txt'));
    expect(figureDirsOf(hybrid, 'unit')).toEqual({ dir: '/system.slice/ssh.service', v1: true, memory: '/system.slice/ssh.service' });
    const v2 = procCgroup(fixture('service-v2.txt'));
    expect(figureDirsOf(v2, 'unit')).toEqual({ dir: '/system.slice/nginx.service', v1: false, memory: null });
    expect(figureDirsOf(v2, 'container')).toBeNull();
    const moved: ProcCgroup = { ...hybrid, memory: '/elsewhere' };
    expect(figureDirsOf(moved, 'unit')).toEqual({ dir: '/system.slice/ssh.service', v1: true, memory: null });
    // Two processes of one unit in different v1 memory groups: the unit has no one v1 directory.
    const dirs = groupFigureDirs([hybrid, moved], 'unit');
    expect(dirs.get('ssh.service')).toEqual({ dir: '/system.slice/ssh.service', v1: true, memory: null });
  });
});

describe('readProcCgroup', () => {
  it('makes a hostile cgroup name printable in the keys and infos it gives', () => {
    // A delegated cgroup is named by its user: an escape sequence must not reach a terminal.
    const c = readProcCgroup(join(DIR, 'hostile-root'), 4242);
    expect(c).not.toBeNull();
    // eslint-disable-next-line no-control-regex -- the characters that must not get through
    for (const s of [c!.path, c!.unit.key, c!.unit.info, c!.container.key]) expect(s).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(c!.unit.key).toContain('evil');
  });

  it('reads this process\u2019s cgroup, and null for a pid that is not there', () => {
    expect(readProcCgroup('/', process.pid)?.path).toMatch(/^\//);
    expect(readProcCgroup(join(DIR, 'hostile-root'), 1)).toBeNull();
  });
});

describe('the cgroup reader on a captured cgroup v2 tree (fixtures/cgroup/v2-root)', () => {
  const root = join(DIR, 'v2-root');

  it('finds the v2 mount and reads usage, limit, peak, swap and pressure', () => {
    const m = cgroupMounts(root);
    expect(m).toEqual({ unified: join(root, 'sys/fs/cgroup'), memory: null });
    const c = readCgroupCounters(m, { dir: '/system.slice/web.service', v1: false, memory: null });
    expect(c).toEqual({
      current: 102400,
      limit: 112640,
      peak: 107520,
      swap: 4,
      pressure: 3.5,
      // This tree has no memory.stat, memory.events, min, low, high or swap.max.
      stat: null,
      events: null,
      limits: { max: 112640 },
    });
    expect(cgroupFigures('/system.slice/web.service', c)?.nearLimit).toBe(true); // 100 of 110 MB
    // Through the Reporter's reader, as the sampler's shells use it.
    expect(cgroupReader(() => root)({ dir: '/system.slice/web.service', v1: false, memory: null }).current).toBe(102400);
  });

  it('never reads outside the mount, whatever the path says', () => {
    const m = cgroupMounts(root);
    // sys/fs/memory.current is outside the cgroup mount: a path climbing to it reads nothing.
    for (const dir of ['/..', '/system.slice/../..', '/./..']) {
      expect(readCgroupCounters(m, { dir, v1: false, memory: null })).toEqual({ current: null, limit: null, peak: null, swap: null, pressure: null });
    }
  });
});
