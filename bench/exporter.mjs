// Benchmark: `pmemstat metrics` beside Debian's prometheus-process-exporter, side by side in one
// run: the same 2,000 extra processes, grouping by command name, smaps on, scraped every 2 s.
// Prints scrape latency (median, p95, max), each exporter's CPU over the window (share of one
// core, all its threads) and its RSS. Run as root after `npm run build`:
//   node bench/exporter.mjs [PROCS] [SECONDS]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(fileURLToPath(import.meta.url), '..', '..');
const PROCS = Number(process.argv[2] ?? 2000);
const SECONDS = Number(process.argv[3] ?? 60);
const INTERVAL_MS = 2000;
const USER = 'bench';
const PASSWORD = 'bench-Secret-' + process.pid;
const AUTH = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

const dir = mkdtempSync(join(tmpdir(), 'pmemstat-bench-exporter-'));
const kids = [];
const start = (cmd, args) => {
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  kids.push(c);
  return c;
};
const stopAll = () => {
  for (const c of kids) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const waitLine = (c, re) =>
  new Promise((res, rej) => {
    let out = '';
    const on = (d) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) res(m);
    };
    c.stdout.on('data', on);
    c.stderr.on('data', on);
    c.once('exit', (code) => rej(new Error(`exited ${code}: ${out.slice(-400)}`)));
  });

function scrape(port) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const r = request({ host: '127.0.0.1', port, path: '/metrics', headers: { Authorization: AUTH }, agent: false }, (resp) => {
      let n = 0;
      resp.on('data', (d) => (n += d.length));
      resp.on('end', () => (resp.statusCode === 200 ? res({ ms: performance.now() - t0, bytes: n }) : rej(new Error(`HTTP ${resp.statusCode}`))));
    });
    r.on('error', rej);
    r.end();
  });
}

const cpuTicks = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
const status = (pid, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/**
 * prom-client rendering 2,000 groups the way src/exporter/exposition.ts does (a fresh registry,
 * one gauge per per-group metric): the cost the exporter pays once per sample.
 */
async function renderCost(groups) {
  const { Gauge, Registry } = await import('prom-client');
  const names = ['pss_bytes', 'uss_bytes', 'swap_pss_bytes', 'processes', 'leak_suspect'];
  const ms = [];
  let bytes = 0;
  for (let run = 0; run < 21; run++) {
    const t0 = performance.now();
    const reg = new Registry();
    for (const n of names) {
      const g = new Gauge({ name: `pmemstat_group_${n}`, help: n, labelNames: ['grouping', 'group'], registers: [reg] });
      for (let i = 0; i < groups; i++) g.set({ grouping: 'cmd', group: `sleep ${800000 + i}` }, i * 4096);
    }
    bytes = (await reg.metrics()).length;
    ms.push(performance.now() - t0);
  }
  console.log(`prom-client: ${groups} groups x ${names.length} metrics rendered in ${pct(ms.slice(1), 50).toFixed(1)} ms (median of 20; ${(bytes / 1024).toFixed(0)} KB), once per sample`);
}

async function main() {
  await renderCost(PROCS);
  const { hashSync } = await import('bcryptjs');
  const web = join(dir, 'web.yml');
  writeFileSync(web, `basic_auth_users:\n  ${USER}: '${hashSync(PASSWORD, 10)}'\n`);
  const peConfig = join(dir, 'process-exporter.yml');
  writeFileSync(peConfig, "process_names:\n  - name: '{{.Comm}}'\n    cmdline: ['.+']\n");

  const load = start('bash', ['-c', `for i in $(seq 1 ${PROCS}); do sleep $((800000 + i)) & done; echo up; wait`]);
  await waitLine(load, /up/);
  const total = execFileSync('sh', ['-c', 'ls /proc | grep -c "^[0-9]"'], { encoding: 'utf8' }).trim();

  const pm = start(process.execPath, [join(REPO, 'dist', 'sampler.js'), 'metrics', '--listen', '127.0.0.1:0', '-g', 'exe', '-l', String(INTERVAL_MS / 1000), '--web-config', web]);
  const pmPort = Number((await waitLine(pm, /serving http:\/\/127\.0\.0\.1:(\d+)/))[1]);
  const pePort = 20000 + (process.pid % 20000);
  const pe = start('prometheus-process-exporter', ['-config.path', peConfig, '-gather-smaps=true', '-threads=false', `-web.listen-address=127.0.0.1:${pePort}`, `-web.config.file=${web}`]);
  for (let i = 0; ; i++) {
    if (await scrape(pePort).then(() => true, () => false)) break;
    if (i > 100) throw new Error('process-exporter did not start');
    await sleep(200);
  }
  console.log(`${PROCS} extra processes (${total} in all), both scraped every ${INTERVAL_MS / 1000} s for ${SECONDS} s, 10 s warm-up`);
  const who = [
    { name: 'pmemstat metrics', pid: pm.pid, port: pmPort, ms: [], bytes: 0 },
    { name: 'process-exporter', pid: pe.pid, port: pePort, ms: [], bytes: 0 },
  ];
  // Each is scraped on its own 2 s schedule, as Prometheus would (a scrape still running when the
  // next is due delays it, as Prometheus's would time out): a slow one does not pace the other.
  const scrapeLoop = async (w, until, record) => {
    while (performance.now() < until) {
      const t = performance.now();
      const r = await scrape(w.port);
      if (record) {
        w.ms.push(r.ms);
        w.bytes = r.bytes;
      }
      await sleep(Math.max(0, INTERVAL_MS - (performance.now() - t)));
    }
  };
  await Promise.all(who.map((w) => scrapeLoop(w, performance.now() + 10_000, false)));
  const t0 = performance.now();
  for (const w of who) w.cpu0 = cpuTicks(w.pid);
  await Promise.all(who.map((w) => scrapeLoop(w, t0 + SECONDS * 1000, true)));
  const secs = (performance.now() - t0) / 1000;
  console.log('exporter           scrapes  median ms   p95 ms   max ms  body KB  CPU % of a core  RSS MB  peak RSS MB');
  for (const w of who) {
    const cpu = ((cpuTicks(w.pid) - w.cpu0) / TICK / secs) * 100;
    const row = [
      w.name.padEnd(18),
      String(w.ms.length).padStart(7),
      pct(w.ms, 50).toFixed(1).padStart(10),
      pct(w.ms, 95).toFixed(1).padStart(8),
      Math.max(...w.ms).toFixed(1).padStart(8),
      (w.bytes / 1024).toFixed(0).padStart(8),
      cpu.toFixed(1).padStart(16),
      status(w.pid, 'VmRSS').toFixed(0).padStart(7),
      status(w.pid, 'VmHWM').toFixed(0).padStart(12),
    ];
    console.log(row.join(' '));
    w.cpuPct = cpu;
  }
  console.log(`CPU ratio pmemstat / process-exporter: ${(who[0].cpuPct / who[1].cpuPct).toFixed(3)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
