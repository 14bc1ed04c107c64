// The figure registry (src/core/figures.ts) is the one list of figures: docs/columns.md's table,
// the wire tuple, the CSV columns and what the sampler reads all follow it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CSV_FIGURES, FIGURES, isMemFigure, memFigure, needsOf, shownFigures, WIRE_FIGURES, type Figure } from '../../src/core/figures';
import { groupFamilies } from '../../src/core/metrics';
import { MEM_KEYS, zeroMem } from '../../src/core/types';
import { createMonitor } from '../../src/engine/monitor';
import { CSV_COLUMNS } from '../../src/host/exportSnapshot';
import { proc, reporter } from './webview-fixtures';

vi.mock('vscode', () => import('./vscode-stub'));

const ROOT = resolve(__dirname, '../..');

/** Why this process's ksm_stat cannot be read here ('' when it can: root, a kernel that has it). */
function ksmUnreadable(): string {
  try {
    return /^ksm_merging_pages /m.test(readFileSync('/proc/self/ksm_stat', 'utf8')) ? '' : '; ksm skipped: this kernel\u2019s ksm_stat has no ksm_merging_pages';
  } catch (e) {
    return `; ksm skipped: /proc/self/ksm_stat ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`;
  }
}
const ksmNote = ksmUnreadable();

const order = (key: string) => FIGURES.findIndex((f) => f.key === key);

/** A figure's line of docs/columns.md's table. */
function docRow(f: Figure): string {
  const code = (x: string | number | null) => (x === null ? '-' : `\`${x}\``);
  return `| ${code(f.key)} | ${code(f.label)} | ${f.unit} | ${f.shown} | ${f.needs.join(', ')} | ${f.wireAt ?? '-'} | ${code(f.csv)} | ${code(f.json)} | ${code(f.metric?.name ?? null)} |`;
}

describe('the figure registry', () => {
  it("docs/columns.md's figure table is the registry's, figure by figure", () => {
    const doc = readFileSync(join(ROOT, 'docs/columns.md'), 'utf8');
    const head = '| figure | column | unit | shown | needs | wire | CSV | JSON | metric |\n|---|---|---|---|---|---|---|---|---|\n';
    const at = doc.indexOf(head);
    expect(at).toBeGreaterThan(0);
    const rows = doc.slice(at + head.length).split('\n');
    expect(rows.slice(0, rows.findIndex((l) => !l.startsWith('|')))).toEqual(FIGURES.map(docRow));
  });

  it('keys, labels, CSV and metric names are unique; every figure has a help line', () => {
    for (const field of ['key', 'label'] as const) expect(new Set(FIGURES.map((f) => f[field])).size).toBe(FIGURES.length);
    const metrics = FIGURES.flatMap((f) => (f.metric === null ? [] : [f.metric.name]));
    expect(new Set(metrics).size).toBe(metrics.length);
    const csv = FIGURES.flatMap((f) => (f.csv === null ? [] : [f.csv]));
    expect(new Set(csv).size).toBe(csv.length);
    for (const f of FIGURES) expect(f.help.length).toBeGreaterThan(10);
  });

  it('the wire tuple carries cpu and every Mem field, in places 0, 1, 2, … without a gap', () => {
    expect(WIRE_FIGURES.map((f) => f.wireAt)).toEqual(WIRE_FIGURES.map((_, i) => i));
    expect(new Set(WIRE_FIGURES.map((f) => f.key))).toEqual(new Set(['cpu', ...Object.keys(zeroMem())]));
    expect(FIGURES.filter((f) => f.wireAt !== null)).toHaveLength(WIRE_FIGURES.length);
  });

  it('the figures marked as kept by the history are the ones it keeps (and other, derived from them)', () => {
    expect(FIGURES.filter((f) => f.history && f.key !== 'other').map((f) => f.key)).toEqual([...MEM_KEYS].sort((a, b) => order(a) - order(b)));
    expect(FIGURES.find((f) => f.key === 'other')?.history).toBe(true);
  });

  it(`each figure's JSON name is a field of a real report's rows (this test's process on live /proc; the cgroup figure is cgroup-flow.test.ts's${ksmNote})`, async () => {
    const m = createMonitor({ showOom: true, showCpu: true, showThp: true, showKsm: true, filter: [String(process.pid)] }, { roots: ['/'], workers: 0 });
    try {
      const row = (await m.tick()).rows.find((x) => x.members.some((p) => p.pid === process.pid));
      expect(row).toBeDefined();
      for (const f of FIGURES) {
        if (f.json === null || f.key === 'cgroup' || (f.key === 'ksm' && ksmNote !== '')) continue;
        const value = f.json.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], row);
        expect(typeof value, f.json).toBe('number');
      }
    } finally {
      m.close();
    }
  });

  it("the exporter's group gauges of the memory figures are the registry's, with their values", () => {
    const report = reporter()([proc(10, 'postgres', 1000, 'postgres -D x', 0, { uss: 600, epss: 1200 })]);
    const families = groupFamilies({ report, grouping: 'exe', top: 5, suspects: new Set() });
    for (const f of FIGURES) {
      if (f.metric === null || !isMemFigure(f)) continue;
      const fam = families.find((x) => x.name === f.metric?.name);
      expect(fam?.help, f.key).toBe(f.metric.help);
      expect(fam?.samples[0].value, f.key).toBe(memFigure(report.rows[0].mem, f.key) * 1024);
    }
  });

  it("the CSV's figure columns are the registry's, in their places", () => {
    expect(CSV_FIGURES.map((f) => f.csvAt)).toEqual(CSV_FIGURES.map((_, i) => i));
    expect(CSV_COLUMNS.slice(7, 7 + CSV_FIGURES.length)).toEqual(CSV_FIGURES.map((f) => f.csv));
  });

  it('what is shown decides what must be read', () => {
    const fast = needsOf(shownFigures({ detail: false, showCpu: false }));
    expect([...fast].sort()).toEqual(['rollup']);
    expect(needsOf(shownFigures({ detail: true, showCpu: true })).has('smaps')).toBe(true);
    expect(needsOf(shownFigures({ detail: false, showCpu: true })).has('stat')).toBe(true);
    expect(needsOf(shownFigures({ detail: false, showCpu: false, showOom: true })).has('oom_score')).toBe(true);
    expect(needsOf(shownFigures({ detail: false, showCpu: false, groupBy: 'unit' })).has('cgroup')).toBe(true);
    expect(needsOf(shownFigures({ detail: false, showCpu: false, groupBy: 'exe' })).has('cgroup')).toBe(false);
    expect(needsOf(shownFigures({ detail: false, showCpu: false, showKsm: true })).has('ksm_stat')).toBe(true);
    expect(needsOf(shownFigures({ detail: true, showCpu: true, showOom: true, showUss: true, showEpss: true, showThp: true })).has('ksm_stat')).toBe(false);
    expect(needsOf(shownFigures({ detail: false, showCpu: false, showThp: true })).has('thp')).toBe(true);
  });

  it(`the Monitor reads ksm_stat only while the ksm figure is shown, and it is off by default (this test's own process, live /proc${ksmNote})`, async () => {
    const m = createMonitor({ filter: [String(process.pid)] }, { roots: ['/'], workers: 0 });
    try {
      const member = async () => (await m.tick()).rows.flatMap((r) => r.members).find((p) => p.pid === process.pid);
      const row = async () => (await m.tick()).rows.find((r) => r.members.some((p) => p.pid === process.pid));
      expect(await member()).toBeDefined();
      expect((await member())?.ksm).toBeUndefined();
      expect((await row())?.ksm).toBeUndefined();
      m.configure({ showKsm: true });
      if (ksmNote === '') {
        const r = await row();
        expect(typeof r?.members.find((p) => p.pid === process.pid)?.ksm).toBe('number');
        expect(r?.ksm).toBe(r?.members.reduce((n, p) => n + (p.ksm ?? 0), 0));
      } else {
        expect((await member())?.ksm).toBeUndefined(); // no file: no figure, not 0
      }
      m.configure({ showKsm: false });
      expect((await member())?.ksm).toBeUndefined();
    } finally {
      m.close();
    }
  });

  it("the Monitor reads oom_score only while the oom figure is shown (this test's own process, live /proc)", async () => {
    const m = createMonitor({ showOom: false, filter: [String(process.pid)] }, { roots: ['/'], workers: 0 });
    try {
      const member = async () => (await m.tick()).rows.flatMap((r) => r.members).find((p) => p.pid === process.pid);
      expect((await member())?.oom).toBeUndefined();
      m.configure({ showOom: true });
      expect(typeof (await member())?.oom).toBe('number');
      m.configure({ showOom: false });
      expect((await member())?.oom).toBeUndefined();
    } finally {
      m.close();
    }
  });
});
