// The per-process extras on the live system (docs/columns.md): a process that asks for transparent
// huge pages shows them in the `thp` figure, fast and detail mode; a process whose identical pages
// KSM merged shows them in the `ksm` figure. Both stay off unless shown.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/engine/monitor';
import { HelperServer } from '../../src/sampler/serve';
import { fromWireReport, type Reply } from '../../src/shared/protocol';
import type { EngineOptions } from '../../src/shared/engineOptions';
import { onCleanup, REPO, sleep, titled, unmet } from '../support';

const TMP = join(REPO, 'test', '.tmp');
const THP_ENABLED = '/sys/kernel/mm/transparent_hugepage/enabled';
const KSM = '/sys/kernel/mm/ksm';

function buildLoad(): string {
  mkdirSync(TMP, { recursive: true });
  const out = join(TMP, 'extrasLoad');
  const src = join(REPO, 'test', 'integration', 'extrasLoad.c');
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) execFileSync('cc', ['-O2', '-Wall', '-o', out, src]);
  return out;
}

const children: ChildProcess[] = [];
afterAll(() => {
  // Its stdin closing ends the load (and would, had this process died).
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

/** The load, started and holding its memory. */
async function startLoad(mode: 'thp' | 'ksm', n: number): Promise<number> {
  const c = spawn(buildLoad(), [mode, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(c);
  await new Promise<void>((resolve, reject) => {
    c.stdout!.once('data', () => resolve());
    c.once('exit', (code) => reject(new Error(`extrasLoad ${mode} exited ${code}`)));
  });
  return c.pid!;
}

async function rowOf(pid: number, o: Partial<EngineOptions>, oneShot = false) {
  const m = createMonitor({ ...o, filter: [String(pid)] }, { roots: ['/'], workers: 0, oneShot });
  try {
    return (await m.tick()).rows.find((r) => r.members.some((p) => p.pid === pid));
  } finally {
    m.close();
  }
}

/** A field of /proc/PID/FILE as the kernel prints it (this test's own reading, not the product's). */
const kernelField = (pid: number, file: string, re: RegExp): number => Number(re.exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))?.[1] ?? NaN);

const thpMode = existsSync(THP_ENABLED) ? (/\[(\w+)\]/.exec(readFileSync(THP_ENABLED, 'utf8'))?.[1] ?? 'unknown') : 'absent';
const thpWhy = unmet('gcc') || (thpMode === 'always' || thpMode === 'madvise' ? '' : `transparent huge pages are "${thpMode}" here`);

function ksmWhy(): string {
  // ksm_stat and the KSM switch are root's.
  const needs = unmet('root', 'gcc');
  if (needs) return needs;
  if (!existsSync('/proc/self/ksm_stat')) return 'this kernel has no /proc/PID/ksm_stat';
  try {
    accessSync(`${KSM}/run`, constants.W_OK);
  } catch {
    return `${KSM}/run cannot be written here`;
  }
  return '';
}
const ksmSkip = ksmWhy();

describe('the thp figure', () => {
  it.skipIf(thpWhy !== '')(titled('a process with an 8 MB MADV_HUGEPAGE region shows AnonHugePages, fast and detail mode', thpWhy), async () => {
    const pid = await startLoad('thp', 8);
    const kernel = kernelField(pid, 'smaps_rollup', /^AnonHugePages:\s+(\d+) kB/m);
    expect(kernel).toBeGreaterThanOrEqual(2048); // at least one huge page, or the premise fails
    const fast = await rowOf(pid, { showThp: true });
    expect(fast?.thp).toBe(kernel);
    expect(fast?.members[0].thp).toBe(kernel);
    // A one-shot detail report reads smaps alone: the per-mapping lines add up to the same.
    const detail = await rowOf(pid, { showThp: true, detail: true }, true);
    expect(detail?.thp).toBe(kernel);
    // Hidden (the default): no figure.
    const hidden = await rowOf(pid, {});
    expect(hidden).toBeDefined();
    expect(hidden?.thp).toBeUndefined();

    // The helper (the panel's reader, as root): configured over the protocol, its rows carry the sum.
    const out: Reply[] = [];
    const srv = new HelperServer((r) => out.push(r), { root: '/' });
    const helperRow = async (id: number) => {
      srv.handle({ line: JSON.stringify({ id, type: 'sample' }) });
      await srv.idle();
      const r = out.find((x) => x.id === id);
      if (r?.type !== 'sample') throw new Error(`no sample: ${JSON.stringify(r)}`);
      return fromWireReport(r.report).rows.find((g) => g.members.some((m) => m.pid === pid));
    };
    srv.handle({ line: JSON.stringify({ id: 1, type: 'configure', config: { filter: [String(pid)] } }) });
    expect((await helperRow(2))?.thp).toBeUndefined();
    srv.handle({ line: JSON.stringify({ id: 3, type: 'configure', config: { showThp: true } }) });
    expect((await helperRow(4))?.thp).toBe(kernel);
  });
});

describe('the ksm figure', () => {
  it.skipIf(ksmSkip !== '')(titled('a process with 512 identical MADV_MERGEABLE pages shows them merged, KSM run for the test and restored', ksmSkip), async () => {
    const saved = ['run', 'pages_to_scan', 'sleep_millisecs'].map((f) => [f, readFileSync(`${KSM}/${f}`, 'utf8').trim()] as const);
    const restore = () => {
      for (const [f, v] of [...saved].reverse()) writeFileSync(`${KSM}/${f}`, v);
    };
    onCleanup(restore); // should this run end before the finally below
    try {
      writeFileSync(`${KSM}/pages_to_scan`, '1000');
      writeFileSync(`${KSM}/sleep_millisecs`, '20');
      writeFileSync(`${KSM}/run`, '1');
      const pid = await startLoad('ksm', 512);
      const m = createMonitor({ showKsm: true, filter: [String(pid)] }, { roots: ['/'], workers: 0 });
      let ksm: number | undefined;
      try {
        const until = Date.now() + 40_000;
        while (Date.now() < until) {
          ksm = (await m.tick()).rows.find((r) => r.members.some((p) => p.pid === pid))?.ksm;
          if (ksm !== undefined && ksm >= 1024) break;
          await sleep(500);
        }
      } finally {
        m.close();
      }
      // 512 pages of 4 KiB alike: most merge into one within a few scans.
      expect(ksm).toBeGreaterThanOrEqual(1024);
      const pages = kernelField(pid, 'ksm_stat', /^ksm_merging_pages\s+(\d+)/m);
      expect(pages).toBeGreaterThan(0);
      const hidden = await rowOf(pid, {});
      expect(hidden?.ksm).toBeUndefined();
    } finally {
      restore();
    }
    for (const [f, v] of saved) expect(readFileSync(`${KSM}/${f}`, 'utf8').trim(), f).toBe(v);
  });
});
