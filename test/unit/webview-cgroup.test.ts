// @vitest-environment happy-dom
// Grouping by cgroup in the panel: the cgroup column (the kernel's usage/limit, every figure in
// its tooltip, "limit?" near the limit), the oom column, and system memory pressure in the leader.
import { afterEach, describe, expect, it } from 'vitest';
import { procCgroup, type CgroupCounters, type FigureDirs } from '../../src/core/cgroup';
import { Reporter } from '../../src/core/report';
import type { ProcSample, Report } from '../../src/core/types';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from '../../src/shared/webviewProtocol';
import { PanelApp } from '../../webview/app';
import { columnChars } from '../../webview/columns';
import { $, $$, proc, RecordingApi, RUNNING_AS_ROOT, sample } from './webview-fixtures';
import { reportOptions } from '../../src/shared/engineOptions';

let current: PanelApp | null = null;
afterEach(() => {
  current?.dispose();
  current = null;
});

function mount(report: Report, settings: Partial<PanelSettings>): PanelApp {
  document.body.replaceChildren();
  const app = new PanelApp(document, document.body, new RecordingApi(), { pageRows: () => 40, firstVisibleRow: () => 0 }, { nextFrame: (cb) => cb() });
  current = app;
  app.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, ...settings }, helper: RUNNING_AS_ROOT, report, history: { start: 0, seq: 0 }, leaks: [] });
  return app;
}

const inCgroup = (p: ProcSample, line: string, oom: number): ProcSample => ({ ...p, cgroup: procCgroup(line), oom });

/** /sys/fs/cgroup as the reader would find it: nginx at 95% of its limit, postgres far from its. */
const SYS: Record<string, CgroupCounters> = {
  '/system.slice/nginx.service': { current: 95 * 1024, limit: 100 * 1024, peak: 99 * 1024, swap: 0, pressure: 1.5 },
  '/system.slice/postgresql.service': { current: 500 * 1024, limit: null, peak: 600 * 1024, swap: 2048, pressure: 0 },
};
const read = (w: FigureDirs): CgroupCounters => SYS[w.dir] ?? { current: null, limit: null, peak: null, swap: null, pressure: null };

function unitReport(): Report {
  const reporter = new Reporter(reportOptions({ groupBy: 'unit', cmdlen: 4096 }), read);
  return reporter.report(
    sample(
      [
        inCgroup(proc(100, 'nginx', 40_000), '0::/system.slice/nginx.service\n', 10),
        inCgroup(proc(101, 'nginx', 30_000), '0::/system.slice/nginx.service\n', 12),
        inCgroup(proc(200, 'postgres', 300_000), '0::/system.slice/postgresql.service\n', 40),
        inCgroup(proc(300, 'bash', 5_000), '0::/user.slice/user-1000.slice/session-3.scope\n', 0),
      ],
      { pressure: { some: 2.5, full: 0.25 } },
    ),
  );
}

describe('grouping by unit in the panel', () => {
  it('shows the cgroup column with a "limit?" badge near the limit, the oom column, and PSI in the leader', () => {
    mount(unitReport(), { groupBy: 'unit', showOom: true });
    expect($$('tr.pm-row').map((tr) => tr.dataset.key)).toEqual(['postgresql.service', 'nginx.service', 'session-3.scope']);
    const nginx = $('tr.pm-row[data-key="nginx.service"] td.pm-cgroup');
    expect(nginx.textContent).toBe('95/100limit?');
    expect($('tr.pm-row[data-key="nginx.service"] .pm-limit-badge').getAttribute('aria-label')).toMatch(/near its cgroup/);
    expect(nginx.getAttribute('title')).toBe('/system.slice/nginx.service: cg=95.0M/100.0M(95%) peak=99.0M swap=0 psi=1.50 limit?');
    expect($('tr.pm-row[data-key="nginx.service"]').getAttribute('aria-label')).toMatch(/near its cgroup/);
    expect($('tr.pm-row[data-key="postgresql.service"] td.pm-cgroup').textContent).toBe('500');
    expect($('tr.pm-row[data-key="postgresql.service"] .pm-limit-badge')).toBeNull();
    expect($('tr.pm-row[data-key="session-3.scope"] td.pm-cgroup').textContent).toBe('');
    expect($('tr.pm-row[data-key="nginx.service"] td.pm-oom').textContent).toBe('12');
    expect($('#pm-leader > div').textContent).toContain('PSI some=2.50% full=0.25%');
    // The column leaves room for the badge (and its border) beside the widest figure.
    expect(columnChars('cgroup', unitReport().rows, null, null, new Set(), { ...DEFAULT_PANEL_SETTINGS, groupBy: 'unit' })).toBe('95/100 limit?  '.length);
  });

  it('has neither column when grouping by exe without the oom option', () => {
    mount(unitReport(), {});
    expect($$('td.pm-cgroup')).toHaveLength(0);
    expect($$('td.pm-oom')).toHaveLength(0);
  });
});
