// The graphical-sudo path against the real @vscode/sudo-prompt and real shells: the library
// pastes its process's working directory into `sh -c "cd \"…\"; \"/usr/bin/pkexec\" … /bin/bash
// -c \"…\""`, escaping only `"`. The host runs here in directories, with a runtime and a helper
// at paths, and with an environment an attacker chose; /usr/bin/pkexec is a stand-in laid
// over /usr/bin in a private mount namespace (only there: unshare -m + overlayfs) that logs
// its argv and working directory and runs its program like pkexec (environment reset). No
// file the attacker's strings would create may appear, and the helper must still connect
// back. Needs root (mount namespace).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elevatedArgv, HELPER_NODE_FLAGS } from '../../src/host/helperArgv';
import { makeBundle, NODE, removeBundle, type Bundle } from './helperSetup';
import { isRoot, REPO, titled, unmet } from '../support';

const canNamespace = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;
let b: Bundle;
let T: string;
let host: string;

beforeAll(async () => {
  if (!canNamespace) return;
  b = await makeBundle();
  host = join(b.dir, 'host.js');
  await build({ bundle: true, platform: 'node', format: 'cjs', target: 'es2022', logLevel: 'warning', entryPoints: [join(REPO, 'test/integration/sudoPromptHost.ts')], outfile: host });
  T = mkdtempSync('/tmp/pmemstat-sptest-');
  for (const d of ['upper', 'work']) mkdirSync(join(T, d));
  // pkexec's stand-in: log argv and cwd, drop its own flag, run the program in a reset environment.
  writeFileSync(
    join(T, 'upper', 'pkexec'),
    `#!/bin/sh\n{ printf 'cwd=%s\\n' "$PWD"; for a in "$@"; do printf 'arg=%s\\n' "$a"; done; } >> '${T}/pkexec.log'\n` +
      `[ "$1" = --disable-internal-agent ] && shift\nexec /usr/bin/env -i PATH=/usr/bin:/bin "$@"\n`,
  );
  chmodSync(join(T, 'upper', 'pkexec'), 0o755);
  // What an attacker's startup file would do if a shell read it.
  writeFileSync(join(T, 'evil.sh'), `touch '${T}/PWNED-env'\n`);
});

afterAll(() => {
  if (T) rmSync(T, { recursive: true, force: true });
  removeBundle(b);
});

/** Every file named PWNED-* under T (however deep). */
function pwned(): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('PWNED')) found.push(join(d, e.name));
      else if (e.isDirectory() && e.name !== 'upper' && e.name !== 'work') walk(join(d, e.name));
    }
  };
  walk(T);
  return found;
}

interface HostResult {
  ok: boolean;
  reason?: string;
  uid?: number;
  logs: string[];
}

/** Run the test host in `cwd`, with `env`, under the pkexec stand-in. */
async function runHost(cwd: string, runtime: { nodePath: string; script: string }, env: Record<string, string> = {}): Promise<HostResult> {
  rmSync(join(T, 'pkexec.log'), { force: true });
  const overlay = `lowerdir=/usr/bin,upperdir=${T}/upper,workdir=${T}/work`;
  const child = spawn(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t overlay overlay -o "$0" /usr/bin && exec "$@"', overlay, NODE, host, JSON.stringify({ ...runtime, isElectron: false })],
    { cwd, env: { PATH: '/usr/bin:/bin', HOME: '/root', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await new Promise((res) => child.once('exit', res));
  clearTimeout(timer);
  const line = out.trim().split('\n').pop();
  if (!line) throw new Error(`the test host said nothing: ${err}`);
  return JSON.parse(line) as HostResult;
}

/** What pkexec was run with: its working directory and its arguments. */
function pkexecSaw(): { cwd: string; args: string[] } {
  const lines = readFileSync(join(T, 'pkexec.log'), 'utf8').split('\n');
  return { cwd: lines.find((l) => l.startsWith('cwd='))!.slice(4), args: lines.filter((l) => l.startsWith('arg=')).map((l) => l.slice(4)) };
}

describe.skipIf(!canNamespace)(titled('sudo-prompt: no shell sees a string we did not make', unmet('root') || (canNamespace ? '' : 'unshare -m refused here')), () => {
  const cwds = [
    // Closes the library's "…" and runs a second pkexec line as root.
    `q\\"; touch PWNED-root; exit; #`,
    `proj$(touch PWNED-subst)`,
    'back`touch PWNED-tick`\\',
    `it's "quoted" $HOME \\$(touch PWNED-esc)`,
  ];
  for (const name of cwds) {
    it(`the host's working directory ${JSON.stringify(name)}`, async () => {
      const cwd = join(T, `c${cwds.indexOf(name)}`, name);
      mkdirSync(cwd, { recursive: true });
      const r = await runHost(cwd, { nodePath: NODE, script: b.script });
      expect(pwned()).toEqual([]);
      expect(r.reason).toBeUndefined();
      expect(r.ok).toBe(true);
      expect(r.uid).toBe(0);
      // pkexec ran from the private directory, and its line holds none of the cwd's name.
      const saw = pkexecSaw();
      expect(saw.cwd).toMatch(/^\/[A-Za-z0-9_/.-]+\/pmemstat-[A-Za-z0-9]+$/);
      expect(saw.args.join(' ')).not.toContain(name.slice(0, 4));
    });
  }

  it('a runtime and a helper at paths with quotes, $( ), backquotes, backslashes and `=`', async () => {
    const rt = join(T, `rt=1 it's $(touch PWNED-node) \`touch PWNED-node2\` \\x`);
    const ext = join(T, `ext "$(touch PWNED-script)" '\\'`);
    mkdirSync(rt, { recursive: true });
    mkdirSync(ext, { recursive: true });
    symlinkSync(NODE, join(rt, 'node'));
    symlinkSync(b.script, join(ext, 'sampler.js'));
    symlinkSync(join(b.dir, 'sudoprompt.js'), join(ext, 'sudoprompt.js'));
    const r = await runHost(T, { nodePath: join(rt, 'node'), script: join(ext, 'sampler.js') });
    expect(pwned()).toEqual([]);
    expect(r.reason).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.uid).toBe(0);
    // bash's line: plain words and $'…' octal escapes only.
    const line = pkexecSaw().args.at(-1)!;
    expect(line).toMatch(/^echo SUDOPROMPT; ([A-Za-z0-9_/.,:=@%+-]+|\$'([A-Za-z0-9/._-]|\\[0-7]{3})*')( ([A-Za-z0-9_/.,:=@%+-]+|\$'([A-Za-z0-9/._-]|\\[0-7]{3})*'))*$/);
  });

  it('an environment with startup files and substitutions for every shell', async () => {
    const r = await runHost(T, { nodePath: NODE, script: b.script }, {
      BASH_ENV: join(T, 'evil.sh'),
      ENV: join(T, 'evil.sh'),
      DISPLAY: `:0"; touch ${T}/PWNED-display; #`,
      'BASH_FUNC_echo%%': `() { touch ${T}/PWNED-func; }`,
      TMPDIR: `${T}/$(touch PWNED-tmpdir)`,
    });
    expect(pwned()).toEqual([]);
    expect(r.ok).toBe(true);
    expect(existsSync(join(T, 'pkexec.log'))).toBe(true);
  });
});

describe('sudo -n / sudo -S: the command line after sudo', () => {
  it('runs an Electron whose path holds `=` (env would take it for an assignment), with ELECTRON_RUN_AS_NODE=1', () => {
    const d = mkdtempSync('/tmp/pmemstat-eqtest-');
    try {
      const rt = join(d, 'opt=1 x');
      mkdirSync(rt);
      symlinkSync(NODE, join(rt, 'code'));
      const script = join(d, 'probe.js');
      writeFileSync(script, 'process.stdout.write(JSON.stringify({ e: process.env.ELECTRON_RUN_AS_NODE, a: process.argv.slice(2), f: process.execArgv }))');
      const argv = elevatedArgv({ nodePath: join(rt, 'code'), script, isElectron: true }, ['--serve', 'a=b']);
      // What sudo runs: the argument array as it is (no shell of ours).
      const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ e: '1', a: ['--serve', 'a=b'], f: [...HELPER_NODE_FLAGS] });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
