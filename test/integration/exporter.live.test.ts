// `pmemstat metrics` against the real thing: Debian's Prometheus scrapes it (over plain HTTP
// on the loopback, and over TLS with basic auth), promtool checks its exposition, a memtest's
// Pss in Prometheus's database is what `pmemstat --json` says, a vanished group disappears,
// cardinality stays within --top with 2,000 more processes, and a scrape reads nothing of /proc.
// Needs root (strace attaches, /proc of every process) and the prometheus package.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types';
import {
  basic,
  Children,
  cleanup,
  get,
  hasPrometheus,
  makeCert,
  promtoolCheck,
  SKIP_NO_PROMETHEUS,
  startExporter,
  startPrometheus,
  stop,
  tempDir,
  until,
  valueOf,
  waitLine,
  webConfig,
  type Prometheus,
} from './exporterSetup';
import { makeBundle, NODE, removeBundle, type Bundle } from './helperSetup';
import { buildMemtest } from './live';
import { isRoot } from '../support';

const enabled = isRoot && hasPrometheus;
const kids = new Children();
let b: Bundle;
let dir = '';
let memtest: ChildProcess;
let plain: { port: number; pid: number };
let secure: { port: number; pid: number };
let prom: Prometheus;
let cert: { cert: string; key: string };
const keyBase = `0x${(0x6d000000 + (process.pid % 0xffff) * 16).toString(16)}`;
const GROUP = 'memtest-static';

/** pmemstat --json's Pss of the memtest group, in bytes. */
function jsonPss(): number {
  const r = spawnSync(NODE, [b.script, '--json', '-W', GROUP], { encoding: 'utf8', timeout: 60_000 });
  const report = JSON.parse(r.stdout) as Report;
  const row = report.rows.find((x) => x.key === GROUP);
  if (!row) throw new Error(`no ${GROUP} in pmemstat --json: ${r.stdout.slice(0, 300)}`);
  return (row.mem.epss - row.mem.pswap) * 1024;
}

describe.skipIf(!enabled)(`pmemstat metrics scraped by Prometheus${enabled ? '' : ` (skipped: ${isRoot ? SKIP_NO_PROMETHEUS : 'needs root'})`}`, () => {
  beforeAll(async () => {
    b = await makeBundle();
    dir = tempDir('pmemstat-exporter-');
    cert = makeCert(dir);
    memtest = kids.spawn(buildMemtest(true), ['-i', '20', '-s', '-k', keyBase], { env: { ...process.env, TMPDIR: dir } });
    await waitLine(memtest, /step 16\/16/);
    const auth = webConfig(dir, 'auth.yml');
    const tls = webConfig(dir, 'tls.yml', cert);
    plain = await startExporter(kids, b.script, ['--listen', '127.0.0.1:0', '-l', '1', '--top', '30', '--web-config', auth]);
    // Beyond the loopback: allowed because the web config has both TLS and users.
    secure = await startExporter(kids, b.script, ['--listen', '0.0.0.0:0', '-l', '1', '--top', '30', '--web-config', tls]);
    const job = (name: string, port: number, extra: string[]) =>
      [`  - job_name: ${name}`, ...extra.map((l) => `    ${l}`), '    basic_auth:', '      username: scraper', `      password: pm-exporter-Secret-8841`, '    static_configs:', `      - targets: ['127.0.0.1:${port}']`].join('\n');
    prom = await startPrometheus(
      kids,
      dir,
      [job('plain', plain.port, []), job('tls', secure.port, ['scheme: https', 'tls_config:', `  ca_file: ${cert.cert}`])].join('\n') + '\n',
    );
  }, 180_000);

  afterAll(async () => {
    await kids.stopAll();
    removeBundle(b);
    cleanup(dir);
  }, 60_000);

  it("puts a memtest's Pss into Prometheus as pmemstat --json reports it", async () => {
    const stored = await until('the memtest in Prometheus', async () => {
      const r = await prom.query(`pmemstat_group_pss_bytes{job="plain",group="${GROUP}"}`);
      return r.length === 1 ? r[0] : null;
    });
    expect(stored.metric).toMatchObject({ grouping: 'exe', group: GROUP, instance: `127.0.0.1:${plain.port}` });
    expect(stored.metric.pid).toBeUndefined();
    // memtest-static holds still and shares no page with other programs: its Pss does not move.
    expect(stored.value).toBe(jsonPss());
    expect(stored.value).toBeGreaterThan(1024 * 1024);
    const up = await until('both jobs scraped', async () => {
      const r = await prom.query('up');
      return r.length === 2 ? r : null;
    });
    expect(up.map((u) => [u.metric.job, u.value]).sort()).toEqual([
      ['plain', 1],
      ['tls', 1],
    ]);
  });

  it('serves an exposition promtool accepts, with the system and sampling figures', async () => {
    const r = await get(`http://127.0.0.1:${plain.port}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(promtoolCheck(r.body)).toEqual({ status: 0, out: '' });
    for (const name of ['pmemstat_memory_total_bytes', 'pmemstat_memory_used_bytes', 'pmemstat_pss_bytes', 'pmemstat_samples_total', 'pmemstat_page_table_walks_total', 'pmemstat_page_table_walk_duration_seconds_total', 'pmemstat_oldest_figure_age_seconds']) {
      expect(valueOf(r.body, name), name).not.toBeNull();
    }
    expect(r.body).toMatch(/^pmemstat_build_info\{version="\d+\.\d+\.\d+",nodejs="v\d+[^"]*"\} 1$/m);
    expect(valueOf(r.body, 'pmemstat_memory_total_bytes')).toBe(Number(/MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024);
    expect(valueOf(r.body, 'pmemstat_page_table_walks_total')).toBeGreaterThan(0);
    expect(valueOf(r.body, 'pmemstat_page_table_walk_duration_seconds_total')).toBeGreaterThan(0);
    // sampled every second in the background: an age of a few seconds, not of the exporter's life
    expect(valueOf(r.body, 'pmemstat_oldest_figure_age_seconds')).toBeLessThan(61);
    expect(r.body).not.toMatch(/\bpid="/);
  });

  it('scrapes over TLS with basic auth, and refuses the rest', async () => {
    const ca = readFileSync(cert.cert);
    const url = `https://127.0.0.1:${secure.port}/metrics`;
    const ok = await get(url, { ca });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain(`group="${GROUP}"`);
    expect((await get(url, { ca, auth: null })).status).toBe(401);
    expect((await get(url, { ca, auth: null })).headers['www-authenticate']).toMatch(/^Basic realm="pmemstat"/);
    expect((await get(url, { ca, auth: basic('scraper', 'wrong') })).status).toBe(401);
    expect((await get(url, { ca, auth: basic('root', 'pm-exporter-Secret-8841') })).status).toBe(401);
    await expect(get(`http://127.0.0.1:${secure.port}/metrics`)).rejects.toThrow(); // no plain text on the TLS port
    await expect(get(url)).rejects.toThrow(/self[- ]signed/); // and no TLS without the certificate's CA
    expect((await get(`https://127.0.0.1:${secure.port}/`, { ca })).status).toBe(200);
    for (const [method, path] of [['GET', '/metrics/x'], ['GET', '/debug'], ['POST', '/metrics'], ['PUT', '/'], ['DELETE', '/metrics']]) {
      expect((await get(`https://127.0.0.1:${secure.port}${path}`, { ca, method })).status, `${method} ${path}`).toBe(404);
    }
    const stored = await until('the TLS job in Prometheus', async () => {
      const r = await prom.query(`pmemstat_group_pss_bytes{job="tls",group="${GROUP}"}`);
      return r.length === 1 ? r[0] : null;
    });
    expect(stored.value).toBeGreaterThan(1024 * 1024);
  });

  it('refuses to listen beyond the loopback without TLS and basic auth', () => {
    const run = (args: string[]) => spawnSync(NODE, [b.script, 'metrics', ...args], { encoding: 'utf8', timeout: 30_000 });
    const none = run(['--listen', '0.0.0.0:0']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without TLS \(tls_server_config\) and basic auth/);
    const authOnly = run(['--listen', ':0', '--web-config', join(dir, 'auth.yml')]);
    expect(authOnly.status).toBe(2);
    expect(authOnly.stderr).toMatch(/without TLS \(tls_server_config\): beyond the loopback/);
    const tlsOnly = run(['--listen', '[::]:0', '--web-config', webConfig(dir, 'tls-only.yml', cert, false)]);
    expect(tlsOnly.status).toBe(2);
    expect(tlsOnly.stderr).toMatch(/refusing to listen on :: without basic auth/);
  });

  it('does not sample more often, nor grow, for many clients; cuts slow ones off', async () => {
    const url = `http://127.0.0.1:${plain.port}/metrics`;
    const rss = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${plain.pid}/status`, 'utf8'))![1]) / 1024;
    const samples = async () => valueOf((await get(url)).body, 'pmemstat_samples_total')!;
    // Slow clients: connected, a request line and never the end of the headers.
    const slow = Array.from({ length: 20 }, () => {
      const s = connect(plain.port, '127.0.0.1', () => s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n'));
      s.on('error', () => undefined);
      s.resume(); // read what the server answers (its 408), so that its close is seen
      return { s, closed: new Promise<number>((res) => s.once('close', () => res(Date.now()))) };
    });
    const rss0 = rss();
    const s0 = await samples();
    const t0 = Date.now();
    let ok = 0;
    for (let round = 0; round < 10; round++) {
      const rs = await Promise.all(Array.from({ length: 30 }, () => get(url).catch(() => null)));
      ok += rs.filter((r) => r?.status === 200).length;
    }
    const s1 = await samples();
    const secs = (Date.now() - t0) / 1000;
    expect(ok).toBeGreaterThanOrEqual(250);
    // -l 1: about one sample a second, whatever 300 scrapes asked
    expect(s1 - s0).toBeLessThanOrEqual(Math.ceil(secs) + 2);
    expect(rss() - rss0).toBeLessThan(40);
    const closedAt = await Promise.all(slow.map((x) => x.closed));
    for (const at of closedAt) expect(at - t0).toBeLessThan(25_000); // the 10 s headers timeout, checked every few seconds
  }, 60_000);

  it('flags a growing process as a leak suspect, and not one that holds still', async () => {
    const leaky = join(dir, 'pmleaky');
    copyFileSync(buildMemtest(true), leaky);
    chmodSync(leaky, 0o755);
    const grower = kids.spawn(leaky, ['-i', '250', '-n', '400', '-k', `0x${(0x6f000000 + (process.pid % 0xffff) * 16).toString(16)}`], { env: { ...process.env, TMPDIR: dir } });
    await waitLine(grower, /step 1\//);
    const ex = await startExporter(kids, b.script, ['--listen', '127.0.0.1:0', '-l', '0.5', '--leak-samples', '6', '--leak-growth-kb', '512', '--web-config', join(dir, 'auth.yml')]);
    const url = `http://127.0.0.1:${ex.port}/metrics`;
    const body = await until('pmleaky flagged', async () => {
      const r = await get(url);
      return valueOf(r.body, 'pmemstat_group_leak_suspect{grouping="exe",group="pmleaky"}') === 1 ? r.body : null;
    });
    expect(valueOf(body, `pmemstat_group_leak_suspect{grouping="exe",group="${GROUP}"}`)).toBe(0);
    await stop(grower);
  }, 90_000);

  it('stops exporting a group whose processes are gone, and Prometheus sees it go', async () => {
    await stop(memtest);
    await until('the memtest gone from the exposition', async () => {
      const r = await get(`http://127.0.0.1:${plain.port}/metrics`);
      return r.body.includes(`group="${GROUP}"`) ? null : true;
    });
    await until('the memtest gone from Prometheus', async () => ((await prom.query(`pmemstat_group_pss_bytes{group="${GROUP}"}`)).length === 0 ? true : null));
  });
});
