// One crafted process: 65,000 mappings of a file whose path is 4,000 characters long
// (about 300 MB of smaps). A `maps` request for it must come back capped and say so, the
// mapping's name capped too; a ping sent meanwhile, a detail sample, and the helper's memory
// afterwards are measured and printed (docs/threat-model.md cites the figures).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUT_MARK } from '../../src/core/capText';
import { HelperClient } from '../../src/host/helperClient';
import { Procs } from './live';
import { makeBundle, NODE, removeBundle, startTime, type Bundle } from './helperSetup';

const MAPPINGS = 65_000;
const procs = new Procs();
let base: string;
let file: string;
let pid = 0;
let b: Bundle;
let client: HelperClient;
let helperPid = 0;

// Through libc's mmap: Python's mmap module dups the fd for each mapping.
const MAP = `import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
fd = os.open(sys.argv[1], os.O_RDONLY)
for _ in range(${MAPPINGS}):
    if libc.mmap(None, 4096, 1, 1, fd, 0) in (None, ctypes.c_void_p(-1).value): sys.exit('mmap failed')
print('up', flush=True); time.sleep(300)`;

beforeAll(async () => {
  base = mkdtempSync('/tmp/pmemstat-smaps-');
  let dir = base;
  while (dir.length < 3_750) dir = join(dir, 'd'.repeat(240));
  mkdirSync(dir, { recursive: true });
  file = join(dir, 'f'.repeat(4_000 - dir.length - 1));
  writeFileSync(file, Buffer.alloc(4096, 1));
  const c = procs.start('python3', ['-c', MAP, file]);
  await Procs.waitFor(c, /up/, 60_000);
  pid = c.pid!;
  b = await makeBundle();
  const child = spawn(NODE, [b.script, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  helperPid = child.pid!;
  client = await HelperClient.start({ readable: child.stdout, writable: child.stdin, child });
}, 120_000);

afterAll(() => {
  client?.dispose();
  procs.stopAll();
  removeBundle(b);
  if (base) rmSync(base, { recursive: true, force: true });
});

const statusKb = (p: number, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]);

describe('a process with 300 MB of smaps', () => {
  it('maps: its first mappings, cut and said so; a ping meanwhile; the helper small afterwards', async () => {
    expect(file.length).toBe(4_000);
    await client.sample();
    const rssBefore = statusKb(helperPid, 'VmRSS');
    const t0 = performance.now();
    const maps = client.maps(pid, startTime(pid)).then((r) => ({ r, ms: performance.now() - t0 }));
    await new Promise((res) => setTimeout(res, 20));
    const p0 = performance.now();
    await client.ping();
    const pingMs = performance.now() - p0;
    const { r, ms } = await maps;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.maps.cut).toBeGreaterThan(0);
    const mine = r.maps.groups.find((g) => g.name.startsWith(base.slice(0, 20)));
    expect(mine?.name.endsWith(CUT_MARK)).toBe(true);
    expect(mine!.count).toBeLessThan(MAPPINGS);

    await client.configure({ detail: true, filter: [String(pid)] });
    const d0 = performance.now();
    const rep = await client.sample();
    const detailMs = performance.now() - d0;
    const n0 = performance.now();
    await client.sample();
    const nextMs = performance.now() - n0;
    const member = rep.rows.flatMap((x) => x.members).find((m) => m.pid === pid);
    expect(member).toBeDefined();
    // A ping after both, so any buffer the helper gives back has been given back.
    await client.ping();
    const rss = statusKb(helperPid, 'VmRSS');
    const hwm = statusKb(helperPid, 'VmHWM');
    console.log(
      `smaps of ${MAPPINGS} mappings of a 4,000-character path: maps reply ${ms.toFixed(0)} ms (${r.maps.total.count} mappings read, ${(r.maps.cut! / 1048576).toFixed(1)} MB), ` +
        `a ping sent meanwhile answered in ${pingMs.toFixed(0)} ms, detail sample ${detailMs.toFixed(0)} ms (the next ${nextMs.toFixed(0)} ms); helper RSS after ${(rss / 1024).toFixed(0)} MB (before ${(rssBefore / 1024).toFixed(0)} MB, peak ${(hwm / 1024).toFixed(0)} MB)`,
    );
    expect(rss).toBeLessThanOrEqual(200 * 1024);
  }, 120_000);
});
