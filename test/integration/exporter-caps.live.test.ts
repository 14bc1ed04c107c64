// The systemd unit's promise (packaging/pmemstat-exporter.service): an unprivileged user with
// exactly the capabilities the unit grants reads another user's processes. The exporter runs
// as a throw-away user under setpriv with the unit's AmbientCapabilities (and that bounding
// set, no new privileges) and exports root's memtest; without them it cannot.
// Needs root (to create the user) and setpriv (util-linux).
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Children, cleanup, get, startExporter, tempDir, valueOf, waitLine, webConfig } from './exporterSetup';
import { makeBundle, removeBundle, type Bundle } from './helperSetup';
import { buildMemtest } from './live';
import { createUser, isRoot, REPO, type TestUser } from '../support';

const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
const enabled = isRoot && hasSetpriv;
const UNIT = join(REPO, 'packaging', 'pmemstat-exporter.service');
const kids = new Children();
const tag = process.pid.toString(36);
const GROUP = 'memtest-static';
let b: Bundle;
let dir = '';
let auth = '';
let user: TestUser;
let memtest: ChildProcess;

/** The unit's `Key=` settings (the last one wins, as in systemd). */
function unitSettings(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(UNIT, 'utf8').split('\n')) {
    const x = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (x) m.set(x[1], x[2].trim());
  }
  return m;
}

/** CAP_SYS_PTRACE CAP_DAC_READ_SEARCH → setpriv's `+sys_ptrace,+dac_read_search`. */
const setprivCaps = (list: string): string =>
  list
    .split(/\s+/)
    .filter((c) => c !== '')
    .map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`)
    .join(',');

function asUser(caps: string | null): string[] {
  const c = caps ?? '';
  return [
    'setpriv',
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--clear-groups',
    `--inh-caps=-all${c ? `,${c}` : ''}`,
    ...(c ? [`--ambient-caps=-all,${c}`] : []),
    `--bounding-set=-all${c ? `,${c}` : ''}`,
    '--no-new-privs',
  ];
}

async function exportedAs(caps: string | null): Promise<string> {
  const ex = await startExporter(kids, b.script, ['--listen', '127.0.0.1:0', '-l', '60', '--top', '500', '--web-config', auth], { wrap: asUser(caps) });
  try {
    const status = readFileSync(`/proc/${ex.pid}/status`, 'utf8');
    expect(Number(/^Uid:\s+(\d+)/m.exec(status)![1])).toBe(user.uid);
    const r = await get(`http://127.0.0.1:${ex.port}/metrics`);
    expect(r.status).toBe(200);
    return r.body;
  } finally {
    await kids.stopAll().catch(() => undefined);
    memtestAlive();
  }
}

function memtestAlive(): void {
  expect(memtest.exitCode).toBeNull();
}

describe.skipIf(!enabled)(`the exporter with the unit's capabilities${enabled ? '' : ` (skipped: ${isRoot ? 'needs setpriv' : 'needs root: it creates a user'})`}`, () => {
  beforeAll(async () => {
    b = await makeBundle();
    dir = tempDir('pmemstat-exporter-caps-');
    chmodSync(dir, 0o755);
    auth = webConfig(dir, 'auth.yml');
    chmodSync(auth, 0o644);
    user = createUser(`pmexp-${tag}`);
    // root's process, not the user's: only the capabilities let the user read it
    memtest = new Children().spawn(buildMemtest(true), ['-i', '20', '-s', '-k', `0x${(0x6e000000 + (process.pid % 0xffff) * 16).toString(16)}`], { env: { ...process.env, TMPDIR: dir } });
    await waitLine(memtest, /step 16\/16/);
  }, 120_000);

  afterAll(async () => {
    memtest?.kill('SIGTERM');
    await kids.stopAll();
    removeBundle(b);
    cleanup(dir);
    if (user) spawnSync('userdel', ['--force', user.name], { stdio: 'ignore' });
  }, 60_000);

  it('states a dynamic user with exactly two capabilities and no new privileges', () => {
    const u = unitSettings();
    expect(u.get('DynamicUser')).toBe('yes');
    expect(u.get('NoNewPrivileges')).toBe('yes');
    expect(setprivCaps(u.get('AmbientCapabilities') ?? '')).toBe('+sys_ptrace,+dac_read_search');
    expect(u.get('CapabilityBoundingSet')).toBe(u.get('AmbientCapabilities'));
    expect(u.get('ExecStart')).toMatch(/ metrics --listen 127\.0\.0\.1:\d+$/);
    const verify = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    if (!verify.error) expect(verify.stderr.trim()).toBe('');
  });

  it("reads root's processes with them, and cannot without them", async () => {
    const caps = setprivCaps(unitSettings().get('AmbientCapabilities') ?? '');
    const withCaps = await exportedAs(caps);
    const without = await exportedAs(null);
    const series = `pmemstat_group_pss_bytes{grouping="exe",group="${GROUP}"}`;
    expect(valueOf(withCaps, series)).toBeGreaterThan(1024 * 1024);
    expect(valueOf(without, series)).toBeNull();
    // Without them every process but its own is unreadable; with them only what the kernel refuses
    // a shell holding the same two (a VM's init may be such a process here).
    const all = valueOf(without, 'pmemstat_processes')!;
    const unreadWith = valueOf(withCaps, 'pmemstat_processes_inaccessible')!;
    const unreadWithout = valueOf(without, 'pmemstat_processes_inaccessible')!;
    expect(unreadWithout).toBeGreaterThanOrEqual(all - 1);
    const refused = spawnSync(asUser(caps)[0], [...asUser(caps).slice(1), 'sh', '-c', 'for d in /proc/[0-9]*; do head -c1 "$d/smaps_rollup" 2>&1 >/dev/null; done | grep -c "Permission denied"'], { encoding: 'utf8' });
    expect(unreadWith).toBeLessThanOrEqual(Number(refused.stdout.trim()));
    expect(unreadWith).toBeLessThan(unreadWithout);
  });
});
