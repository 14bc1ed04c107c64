// The alert rules and the Grafana dashboard shipped for the exporter (packaging/): promtool
// accepts the rules and they fire (and stay quiet) on the series they are about; every query of
// the dashboard is PromQL promtool parses; every metric either names is one the exporter exports.
// Needs promtool (Debian's prometheus package).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procCgroup } from '../../src/core/cgroup';
import { ageFamily, buildInfoFamily, groupFamilies, samplingFamilies, systemFamilies } from '../../src/core/metrics';
import { Reporter } from '../../src/core/report';
import { proc, sample } from '../unit/webview-fixtures';
import { cleanup, hasPrometheus, SKIP_NO_PROMETHEUS, tempDir } from './exporterSetup';
import { REPO } from '../support';
import { reportOptions } from '../../src/shared/engineOptions';

const RULES = join(REPO, 'packaging', 'prometheus', 'pmemstat-alerts.yml');
const DASHBOARD = join(REPO, 'packaging', 'grafana', 'pmemstat-dashboard.json');
const dir = hasPrometheus ? tempDir('pmemstat-rules-') : '';
afterAll(() => cleanup(dir));

const promtool = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8' });

/** Every metric name the exporter can export (a cgroup grouping with kernel figures, PSI present). */
function exportedNames(): Set<string> {
  const p = { ...proc(1, 'x', 1000, 'x', 0, { epss: 1000 }), cgroup: procCgroup('0::/system.slice/x.service\n') };
  const report = new Reporter(reportOptions({ groupBy: 'unit', riseToTop: false }), () => ({ current: 1, limit: 2, peak: 2, swap: 0, pressure: 0 })).report(
    sample([p], { pressure: { some: 1, full: 0.5 } }),
  );
  const fs = [
    ...groupFamilies({ report, grouping: 'unit', top: 5, suspects: new Set() }),
    ...systemFamilies(report),
    ...samplingFamilies({ samples: 1, sampleSeconds: 0, walks: 0, walkSeconds: 0, lastSampleSeconds: 0 }, 0),
    ageFamily(0, 0),
    buildInfoFamily('0', 'v20'),
  ];
  return new Set(fs.map((f) => f.name));
}

interface Panel {
  targets?: { expr: string }[];
}

function dashboardExprs(): string[] {
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; templating: { list: { definition?: string }[] } };
  return d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

const metricNames = (text: string): string[] => [...text.matchAll(/\bpmemstat_[a-z_]+/g)].map((m) => m[0]);

describe.skipIf(!hasPrometheus)(`alert rules and dashboard${hasPrometheus ? '' : ` (skipped: ${SKIP_NO_PROMETHEUS})`}`, () => {
  it('promtool accepts the rules', () => {
    const r = promtool('check', 'rules', RULES);
    expect(r.stdout + r.stderr).toContain('SUCCESS: 4 rules found');
    expect(r.status).toBe(0);
  });

  it('fires each alert on its series, and not below its threshold', () => {
    const test = join(dir, 'alerts.test.yml');
    const labels = 'instance="h:9649",job="pmemstat",grouping="unit"';
    writeFileSync(
      test,
      `rule_files: ['${RULES}']
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'pmemstat_group_leak_suspect{${labels},group="leaky.service"}'
        values: '0 1x30'
      - series: 'pmemstat_group_leak_suspect{${labels},group="calm.service"}'
        values: '0x30'
      - series: 'pmemstat_group_cgroup_usage_bytes{${labels},group="full.service"}'
        values: '95x10'
      - series: 'pmemstat_group_cgroup_limit_bytes{${labels},group="full.service"}'
        values: '100x10'
      - series: 'pmemstat_group_cgroup_usage_bytes{${labels},group="roomy.service"}'
        values: '50x10'
      - series: 'pmemstat_group_cgroup_limit_bytes{${labels},group="roomy.service"}'
        values: '100x10'
      - series: 'pmemstat_memory_pressure_some_ratio{instance="h:9649",job="pmemstat"}'
        values: '0.25x10'
      - series: 'pmemstat_oldest_figure_age_seconds{instance="h:9649",job="pmemstat"}'
        values: '10x10'
    alert_rule_test:
      - eval_time: 20m
        alertname: PmemstatLeakSuspect
        exp_alerts:
          - exp_labels: { severity: warning, instance: 'h:9649', job: pmemstat, grouping: unit, group: leaky.service }
            exp_annotations:
              summary: 'leaky.service on h:9649 keeps growing: a leak suspect'
              description: 'The processes of leaky.service (unit grouping) grew in most of the last samples and gave little back.'
      - eval_time: 10m
        alertname: PmemstatLeakSuspect
        exp_alerts: []
      - eval_time: 8m
        alertname: PmemstatGroupNearLimit
        exp_alerts:
          - exp_labels: { severity: warning, instance: 'h:9649', job: pmemstat, grouping: unit, group: full.service }
            exp_annotations:
              summary: 'full.service on h:9649 uses 95% of its memory limit'
      - eval_time: 8m
        alertname: PmemstatMemoryPressure
        exp_alerts:
          - exp_labels: { severity: warning, instance: 'h:9649', job: pmemstat }
            exp_annotations:
              summary: 'h:9649 is under memory pressure: tasks stalled 25% of the time'
      - eval_time: 8m
        alertname: PmemstatStale
        exp_alerts: []
`,
    );
    const r = promtool('test', 'rules', test);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it("parses every query of the dashboard as PromQL", () => {
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(10);
    const file = join(dir, 'dashboard-rules.yml');
    const rules = exprs.map((e, i) => `      - record: dashboard:q${i}\n        expr: '${e.replace(/\$instance|\$grouping/g, '.*').replace(/'/g, "''")}'`);
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const r = promtool('check', 'rules', file);
    expect(r.stdout + r.stderr).toContain(`SUCCESS: ${exprs.length} rules found`);
  });

  it('names only metrics the exporter exports', () => {
    const names = exportedNames();
    const used = new Set([...metricNames(readFileSync(RULES, 'utf8')), ...metricNames(readFileSync(DASHBOARD, 'utf8'))]);
    expect(used.size).toBeGreaterThan(10);
    for (const n of used) expect(names, n).toContain(n);
  });
});
