// What the exporter's live tests share: the exporter and a real Prometheus (Debian's
// `prometheus`, started on a free loopback port with its own configuration and storage, behind
// basic auth), a self-signed certificate, web configuration files and authenticated requests.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { NODE } from './helperSetup';
import { REPO } from '../support';
import { reapedEnv } from '../support/reaped';

export const hasPrometheus = existsSync('/usr/bin/prometheus') && existsSync('/usr/bin/promtool');
export const SKIP_NO_PROMETHEUS = 'needs Debian\'s prometheus (apt-get install prometheus; .ci/run installs it)';

export const USER = 'scraper';
export const PASSWORD = 'pm-exporter-Secret-8841';
export const basic = (user = USER, pass = PASSWORD): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** A directory of the test's own under test/.tmp (removed by cleanup()). */
export function tempDir(prefix: string): string {
  const base = join(REPO, 'test', '.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

/** A self-signed certificate for 127.0.0.1 and localhost, by openssl. */
export function makeCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], {
    stdio: 'ignore',
  });
  return { cert, key };
}

/** A web configuration file (Prometheus's format) with basic auth, and TLS when given. */
export function webConfig(dir: string, name: string, tls?: { cert: string; key: string }, users = true): string {
  const file = join(dir, name);
  const lines: string[] = [];
  if (tls) lines.push('tls_server_config:', `  cert_file: ${tls.cert}`, `  key_file: ${tls.key}`);
  if (users) lines.push('basic_auth_users:', `  ${USER}: '${hashSync(PASSWORD, 6)}'`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One request (https when `ca` is given), with basic auth unless `auth` is null. */
export function get(url: string, opts: { auth?: string | null; ca?: Buffer; method?: string } = {}): Promise<Reply> {
  const u = new URL(url);
  const auth = opts.auth === undefined ? basic() : opts.auth;
  const req = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((res, rej) => {
    const r = req(u, { method: opts.method ?? 'GET', headers: auth ? { Authorization: auth } : {}, ca: opts.ca, agent: false }, (resp) => {
      const chunks: Buffer[] = [];
      resp.on('data', (c: Buffer) => chunks.push(c));
      resp.on('end', () => res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: resp.headers }));
      resp.on('error', rej);
    });
    r.on('error', rej);
    r.setTimeout(20_000, () => r.destroy(new Error(`timeout: ${url}`)));
    r.end();
  });
}

/** The children a test starts: each in a process group of its own, all stopped by stopAll(). */
export class Children {
  private list: ChildProcess[] = [];

  spawn(cmd: string, args: string[], opts: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
    // However the run ends (a SIGKILLed vitest too), a child that is still there goes with it.
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts, env: reapedEnv(opts.env) });
    this.list.push(c);
    process.once('exit', () => kill(c, 'SIGKILL'));
    return c;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.list.map((c) => stop(c)));
    this.list = [];
  }
}

function kill(c: ChildProcess, sig: NodeJS.Signals): void {
  if (c.pid && c.exitCode === null && c.signalCode === null) {
    try {
      process.kill(-c.pid, sig);
    } catch {
      /* gone */
    }
  }
}

/** SIGTERM the child's group, SIGKILL after 5 s; resolves when it has exited. */
export function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => kill(c, 'SIGKILL'), 5_000);
    c.once('exit', () => {
      clearTimeout(t);
      kill(c, 'SIGKILL'); // whatever it started
      res();
    });
    kill(c, 'SIGTERM');
  });
}

/** Resolve with the first stdout match of `re` (rejects on exit or timeout, with stderr). */
export function waitLine(c: ChildProcess, re: RegExp, ms = 60_000): Promise<RegExpExecArray> {
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    const t = setTimeout(() => rej(new Error(`timeout waiting for ${re}; stdout ${JSON.stringify(out.slice(-300))} stderr ${JSON.stringify(err.slice(-300))}`)), ms);
    c.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    c.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(t);
        res(m);
      }
    });
    c.once('exit', (code) => {
      clearTimeout(t);
      rej(new Error(`exited (${code}) before ${re}: ${err.slice(-500)}`));
    });
  });
}

/** Start `pmemstat metrics` from a bundle; resolves with its port once it serves. */
export async function startExporter(kids: Children, script: string, args: string[], opts: { uid?: number; gid?: number; wrap?: string[] } = {}): Promise<{ c: ChildProcess; port: number; pid: number }> {
  const argv = [...(opts.wrap ?? []), NODE, script, 'metrics', ...args];
  const c = kids.spawn(argv[0], argv.slice(1), { uid: opts.uid, gid: opts.gid, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
  const m = await waitLine(c, /serving https?:\/\/[^ ]*:(\d+)\/metrics/, 120_000);
  return { c, port: Number(m[1]), pid: c.pid! };
}

export interface Prometheus {
  port: number;
  /** An instant query's vector: labels and value of each series. */
  query(q: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  dir: string;
}

/** Start Prometheus on a free loopback port, behind basic auth, scraping `scrapeConfigs` (YAML) every second. */
export async function startPrometheus(kids: Children, dir: string, scrapeConfigs: string): Promise<Prometheus> {
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs}`);
  const check = spawnSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`promtool check config: ${check.stdout}${check.stderr}`);
  const web = webConfig(dir, 'prometheus-web.yml');
  const c = kids.spawn('/usr/bin/prometheus', [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.config.file=${web}`,
    '--log.level=warn',
  ]);
  let log = '';
  c.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (c.exitCode !== null) throw new Error(`prometheus exited (${c.exitCode}): ${log}`);
    const r = await get(`${base}/-/ready`).catch(() => null);
    if (r?.status === 200) break;
    if (i > 300) throw new Error(`prometheus not ready: ${log}`);
    await sleep(100);
  }
  return {
    port,
    dir,
    async query(q: string) {
      const r = await get(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
      if (r.status !== 200) throw new Error(`query ${q}: ${r.status} ${r.body}`);
      const j = JSON.parse(r.body) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return j.data.result.map((x) => ({ metric: x.metric, value: Number(x.value[1]) }));
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `f` until it returns something other than null (or fail after `ms`). */
export async function until<T>(what: string, f: () => Promise<T | null>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(250);
  }
}

/** `promtool check metrics` of an exposition: its complaints (empty when clean). */
export function promtoolCheck(text: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

/** The value of one series in an exposition (null: absent). */
export function valueOf(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

export function cleanup(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
