// The Debian packages of scripts/debian-packages.txt: which are missing, and (as root) installing
// them once, quietly, with one line saying what and why.
//
//   node scripts/debian-packages.mjs [tier...]        as root: install what those tiers miss
//                                                      (default: every tier); otherwise say what
//                                                      is missing and the command that installs it
//   node scripts/debian-packages.mjs --require [tier...]  the same, but fails when any is missing
//   node scripts/debian-packages.mjs --names [tier...] print the tiers' package names
//
// Tests import missing() to skip (as a plain user) what a missing package would make fail.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIST = join(dirname(fileURLToPath(import.meta.url)), 'debian-packages.txt');
export const TIERS = ['npm', 'fast', 'e2e', 'bench'];
/** Packages that start a service of that name on install, listening: the tests start their own. */
const SERVICES = ['prometheus', 'prometheus-process-exporter'];

/** The list's packages of the given tiers (all when none given). */
export function packages(tiers = TIERS) {
  const out = [];
  for (const raw of readFileSync(LIST, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m || !TIERS.includes(m[2])) throw new Error(`${LIST}: malformed line: ${line}`);
    if (tiers.includes(m[2])) out.push({ name: m[1], tier: m[2], why: m[3] });
  }
  return out;
}

/**
 * Of `names`, those dpkg does not list as installed. Off Debian (no dpkg-query) nothing can be
 * told missing: the tests then run and a missing tool shows as their failure.
 */
export function missing(names) {
  if (names.length === 0) return [];
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Abbrev}\n', ...names], { encoding: 'utf8' });
  if (r.error) return [];
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => / ii ?$/.test(l))
      .map((l) => l.split(' ')[0]),
  );
  return names.filter((n) => !installed.has(n));
}

/** The one command that installs `names`. */
export const installCommand = (names) => `apt-get install -y --no-install-recommends ${names.join(' ')}`;

const isRoot = () => process.getuid?.() === 0;

function apt(args) {
  return spawnSync('apt-get', ['-qq', '-o', 'DPkg::Lock::Timeout=600', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

const hasLists = () => existsSync('/var/lib/apt/lists') && readdirSync('/var/lib/apt/lists').some((f) => f.endsWith('Packages') || f.includes('_Packages.'));

/**
 * As root, install what `tiers` miss; apt-get update only when there are no package lists or
 * the install fails on stale ones. Returns what is still missing (everything missing when not
 * root). Throws with apt's output when the install fails.
 */
export function ensure(tiers = TIERS, log = (s) => console.log(s)) {
  const want = packages(tiers);
  const absent = missing(want.map((p) => p.name));
  if (absent.length === 0 || !isRoot()) return absent;
  const why = want.filter((p) => absent.includes(p.name)).map((p) => `${p.name} (${p.why})`);
  log(`Installing the Debian packages the tests need: ${why.join('; ')}`);
  let updated = false;
  if (!hasLists()) {
    apt(['update']);
    updated = true;
  }
  const args = ['install', '-y', '--no-install-recommends', ...absent];
  let r = apt(args);
  if (r.status !== 0 && !updated) {
    apt(['update']);
    r = apt(args);
  }
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed:\n${(r.stdout + r.stderr).trim().split('\n').slice(-20).join('\n')}`);
  const started = absent.filter((n) => SERVICES.includes(n));
  if (started.length) spawnSync('systemctl', ['disable', '--now', ...started], { stdio: 'ignore' });
  return missing(absent);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const tiers = args.filter((a) => !a.startsWith('--'));
  for (const t of tiers) if (!TIERS.includes(t)) throw new Error(`unknown tier ${t} (tiers: ${TIERS.join(', ')})`);
  const chosen = tiers.length ? tiers : TIERS;
  if (args.includes('--names')) {
    console.log(packages(chosen).map((p) => p.name).join(' '));
  } else {
    try {
      const left = ensure(chosen);
      if (left.length && args.includes('--require')) {
        console.error(`Missing Debian packages: ${left.join(' ')} (as root: ${installCommand(left)})`);
        process.exit(1);
      }
      if (left.length) console.log(`Not installed: ${left.join(' ')} — the tests needing them will be skipped (as root: ${installCommand(left)})`);
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    }
  }
}
