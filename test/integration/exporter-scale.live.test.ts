// The exporter with 2,000 more processes: Prometheus stores at most --top groups plus
// "other", whose sum is the machine's Pss; and a scrape reads nothing of /proc (strace follows
// every thread of the exporter: its reads of /proc/PID files all come before it serves).
// Needs root (strace, /proc of every process), strace and the prometheus package.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Children, cleanup, get, hasPrometheus, promtoolCheck, SKIP_NO_PROMETHEUS, startExporter, startPrometheus, tempDir, until, valueOf, waitLine, webConfig } from './exporterSetup';
import { makeBundle, removeBundle, type Bundle } from './helperSetup';
import { isRoot } from '../support';

const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
const enabled = isRoot && hasPrometheus && hasStrace;
const why = !isRoot ? 'needs root' : !hasPrometheus ? SKIP_NO_PROMETHEUS : 'needs strace (apt-get install strace)';
const kids = new Children();
const N = 2000;
const TOP = 25;
let b: Bundle;
let dir = '';
let auth = '';

describe.skipIf(!enabled)(`pmemstat metrics at ${N} processes${enabled ? '' : ` (skipped: ${why})`}`, () => {
  beforeAll(async () => {
    b = await makeBundle();
    dir = tempDir('pmemstat-exporter-scale-');
    auth = webConfig(dir, 'auth.yml');
    // N sleeps with N command lines: N groups under -g cmd.
    const load = kids.spawn('bash', ['-c', `for i in $(seq 1 ${N}); do sleep $((900000 + i)) & done; echo up; wait`]);
    await waitLine(load, /up/);
  }, 120_000);

  afterAll(async () => {
    await kids.stopAll();
    removeBundle(b);
    cleanup(dir);
  }, 60_000);

  it(`keeps Prometheus within --top ${TOP} groups and "other", with exact sums`, async () => {
    const ex = await startExporter(kids, b.script, ['--listen', '127.0.0.1:0', '-g', 'cmd', '--top', String(TOP), '-l', '2', '--web-config', auth]);
    const r = await get(`http://127.0.0.1:${ex.port}/metrics`);
    expect(promtoolCheck(r.body)).toEqual({ status: 0, out: '' });
    const series = r.body.split('\n').filter((l) => l.startsWith('pmemstat_group_pss_bytes{'));
    expect(series).toHaveLength(TOP + 1);
    const sum = series.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum).toBe(valueOf(r.body, 'pmemstat_pss_bytes'));
    const procs = r.body.split('\n').filter((l) => l.startsWith('pmemstat_group_processes{'));
    expect(procs.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBeGreaterThanOrEqual(N);
    expect(valueOf(r.body, `pmemstat_group_processes{grouping="cmd",group="other"}`)).toBeGreaterThanOrEqual(N - TOP);

    const prom = await startPrometheus(
      kids,
      join(dir),
      ['  - job_name: scale', '    basic_auth:', '      username: scraper', '      password: pm-exporter-Secret-8841', '    static_configs:', `      - targets: ['127.0.0.1:${ex.port}']`].join('\n') + '\n',
    );
    const count = await until('the groups in Prometheus', async () => {
      const c = await prom.query('count(pmemstat_group_pss_bytes{job="scale"})');
      return c.length === 1 ? c[0].value : null;
    });
    expect(count).toBe(TOP + 1);
    const exact = await prom.query('sum by (job, instance) (pmemstat_group_pss_bytes{job="scale"}) - pmemstat_pss_bytes{job="scale"}');
    expect(exact.map((x) => x.value)).toEqual([0]);
    const dur = await prom.query('scrape_duration_seconds{job="scale"}');
    expect(dur[0].value).toBeLessThan(1); // well inside the 1 s scrape timeout
  });

  it('reads no /proc file when scraped: every read of one comes from a background sample', async () => {
    const trace = join(dir, 'strace.txt');
    // -l 3600: one sample (before it serves), then only scrapes.
    const ex = await startExporter(kids, b.script, ['--listen', '127.0.0.1:0', '-g', 'cmd', '--top', String(TOP), '-l', '3600', '--web-config', auth], {
      wrap: ['strace', '-f', '-y', '-qq', '-e', 'trace=openat,read,pread64,write,writev', '-o', trace],
    });
    for (let i = 0; i < 30; i++) {
      const r = await get(`http://127.0.0.1:${ex.port}/metrics`);
      expect(r.status).toBe(200);
      expect(valueOf(r.body, 'pmemstat_samples_total')).toBe(1);
    }
    await until('the trace written', async () => (readFileSync(trace, 'utf8').includes('HTTP/1.1 200') ? true : null));
    const lines = readFileSync(trace, 'utf8').split('\n');
    const served = lines.findIndex((l) => /write\(1.*serving http/.test(l));
    expect(served).toBeGreaterThan(0);
    const procRead = /(?:openat\(.*"\/proc\/\d+\/|(?:read|pread64)\(\d+<\/proc\/\d+\/)/;
    const before = lines.slice(0, served).filter((l) => procRead.test(l)).length;
    const after = lines.slice(served).filter((l) => procRead.test(l));
    expect(before).toBeGreaterThan(N); // the sample read at least a file of each process
    expect(lines.slice(served).filter((l) => /writev?\(\d+<socket:/.test(l) && l.includes('HTTP/1.1 200')).length).toBeGreaterThanOrEqual(30);
    expect(after).toEqual([]);
  }, 180_000);
});
