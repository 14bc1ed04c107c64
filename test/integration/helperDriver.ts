// Test driver, bundled by helperSetup.makeBundle and run AS A TEST USER: it runs the real
// launcher + client (as the extension host would) and reports over stdio as NDJSON.
//   stdin line 1: DriverConfig; later lines: { op: 'sample' | 'kill' | 'ping' | 'dispose', … }
//   stdout: { event: 'launched' | 'sample' | 'kill' | 'ping' | 'exit' | 'error', … }
// Not a test file itself.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { launchHelper, type Launched, type LaunchOptions, type SudoPromptExec } from '../../src/host/launcher';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';

export interface StandIn {
  /** What the stand-in for @vscode/sudo-prompt does with the command. */
  action: 'sudo' | 'wrong-token' | 'cancel' | 'no-agent' | 'late';
  /** First connect to the socket with a wrong token (must be rejected). */
  impostor?: boolean;
  /** The real sudo used to run the command as root (like pkexec would). */
  sudo?: string;
}

export interface DriverConfig {
  launch: Omit<LaunchOptions, 'ui' | 'sudoPrompt'>;
  /** Answers to askPassword in order; null or running out = cancel. */
  passwords: (string | null)[];
  standIn?: StandIn;
}

const out = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');

/** Split the command built by the launcher (bare or single-quoted words only). */
export function splitWords(cmd: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) words.push(m[1] ?? m[2]);
  return words;
}

function makeStandIn(s: StandIn, report: Record<string, unknown>): SudoPromptExec {
  return (cmd, opts, cb) => {
    report.cmd = cmd;
    report.name = opts.name;
    report.env = opts.env ?? null;
    const words = splitWords(cmd);
    // `--connect DIR` (or, before the token file, `--connect DIR/helper.sock`).
    const target = words[words.indexOf('--connect') + 1];
    const dir = target.endsWith('.sock') ? dirname(target) : target;
    const sock = join(dir, 'helper.sock');
    const tokenFile = join(dir, 'token');
    const st = statSync(dir);
    report.dirMode = st.mode & 0o777;
    report.dirUid = st.uid;
    report.dir = dir;
    report.sockPath = sock;
    // The token, wherever the launcher put it (the test checks where it must not be).
    const fromEnv = words.find((w) => w.startsWith('PMEMSTAT_TOKEN='));
    report.token = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : fromEnv ? fromEnv.slice('PMEMSTAT_TOKEN='.length) : null;
    if (existsSync(tokenFile)) report.tokenMode = statSync(tokenFile).mode & 0o777;
    const go = () => {
      if (s.action === 'cancel') return cb(new Error('User did not grant permission.'));
      if (s.action === 'no-agent') return cb(new Error('No polkit authentication agent found.'));
      // The dialog stays open: the test answers it itself, late.
      if (s.action === 'late') return;
      let argv = words;
      if (s.action === 'wrong-token') {
        argv = words.map((w) => (w.startsWith('PMEMSTAT_TOKEN=') ? 'PMEMSTAT_TOKEN=' + '0'.repeat(64) : w));
        if (existsSync(tokenFile)) writeFileSync(tokenFile, '0'.repeat(64) + '\n');
      }
      // Like pkexec: run as root with a reset environment, no shell.
      const child = spawn(s.sudo ?? '/usr/bin/sudo', ['-n', '--', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => cb(code === 0 ? undefined : new Error(`stand-in: exit ${code}: ${err.trim()}`)));
    };
    if (!s.impostor) return go();
    // An impostor that knows the socket but not the token.
    const c = createConnection(sock);
    const hello = { type: 'hello', id: null, seq: 0, hello: { version: '0', protocol: PROTOCOL_VERSION, uid: 0, pid: 1234, capabilities: [] }, token: 'f'.repeat(64) };
    c.on('connect', () => c.write(JSON.stringify(hello) + '\n'));
    c.on('error', () => {});
    const t0 = Date.now();
    c.on('close', () => {
      report.impostor = Date.now() - t0 < 5000 ? 'rejected' : 'late';
      go();
    });
    c.on('data', () => {
      report.impostorGotData = true;
    });
  };
}

async function main(): Promise<void> {
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let buf = '';
  let eof = false;
  process.stdin.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    wake?.();
  });
  process.stdin.on('end', () => {
    eof = true;
    wake?.();
  });
  const next = async (): Promise<string | null> => {
    while (!lines.length) {
      if (eof) return null;
      await new Promise<void>((r) => (wake = r));
      wake = null;
    }
    return lines.shift()!;
  };

  const cfg = JSON.parse((await next()) ?? '{}') as DriverConfig;
  const asks: { prompt: string; attempt: number }[] = [];
  const logs: string[] = [];
  const standIn: Record<string, unknown> = {};
  let launched: Launched;
  let isLaunched = false;
  try {
    launched = await launchHelper({
      ...cfg.launch,
      ui: {
        askPassword: async (prompt, attempt) => {
          asks.push({ prompt, attempt });
          return cfg.passwords[asks.length - 1] ?? undefined;
        },
        log: (m) => logs.push(m),
      },
      // Protocol problems the client logs; after the launch they become events (on stdout).
      clientLog: (m) => (isLaunched ? out({ event: 'log', message: `client: ${m}` }) : logs.push(`client: ${m}`)),
      sudoPrompt: cfg.standIn ? makeStandIn(cfg.standIn, standIn) : undefined,
    });
  } catch (e) {
    out({ event: 'error', message: e instanceof Error ? e.message : String(e), asks, logs });
    process.exit(1);
  }
  const { client, mode, reason } = launched;
  isLaunched = true;
  client.onExit((why) => out({ event: 'exit', reason: why }));
  out({ event: 'launched', mode, reason: reason ?? null, hello: client.hello, asks, logs, standIn });
  for (;;) {
    const line = await next();
    if (line === null) break;
    const cmd = JSON.parse(line) as { op: string; targets?: { pid: number; starttime: number }[]; escalate?: boolean };
    try {
      if (cmd.op === 'sample') out({ event: 'sample', report: await client.sample() });
      else if (cmd.op === 'ping') out({ event: 'ping', ok: (await client.ping(), true) });
      else if (cmd.op === 'kill') out({ event: 'kill', results: await client.kill(cmd.targets ?? [], { escalate: cmd.escalate }) });
      else if (cmd.op === 'dispose') break;
    } catch (e) {
      out({ event: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }
  client.dispose();
  setTimeout(() => process.exit(0), 200);
}

void main();
