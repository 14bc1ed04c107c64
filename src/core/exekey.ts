// The exe key and cmd string (docs/columns.md#the-exe-key: its steps), as a pure function. The caller reads
// /proc/PID/{cmdline,exe,cwd} and answers isRegularFile() (under its root dir).
//
// Decisions where those steps leave room (each covered by test/unit/exekey.test.ts):
// * base is the basename of the whole args[0] (after its last '/'), spaces and all,
//   as step 2 says; `rest` is args[0]'s whitespace-separated words after its
//   first, then args[1:].
// * cmd: when the key came from a usable base (step 3 did not replace it), the
//   title's extra words are part of that name (`Web Content`), so cmd shows
//   key + args[1:] less consumed words, as step 7 says. When the base was
//   replaced by the exe link, the title words carry the real command line
//   (e.g. a rewritten `/usr/bin/python3 /srv/app/manage.py runserver`) and are kept:
//   cmd = key + rest less consumed words. Empty arguments are left out of cmd.
// * Step 4's fallback takes the basename of the first word of rest (not consumed);
//   if that is empty too, the trimmed args[0] is the key.
// * sudo (step 5): sudo's own options are skipped (`-u user`, `-E`, `--user=x`,
//   `--`, …) to find X; sudo and its options are consumed; X's key is computed
//   recursively from X and the words after it (with no exe link: the link belongs to
//   sudo) — so `sudo python3 /x/y.py` → `python3->y.py`. `sudo` alone stays `sudo`.
// * Interpreters (step 6) look only at the FIRST word of rest:
//   `python3 -u /x/y.py`, `node --inspect x.js`, `perl -e code`, `sh -c "cmd"`,
//   `node -e code` → the interpreter itself.
// * `-m mod` (and `-mmod`) applies to the python family only (python, python2,
//   python3, pythonX.Y); it consumes both words.
// * A script word needs a directory part (contains '/'): `python3 foo.py` →
//   `python3`. A relative script is resolved against the process's cwd link; with
//   no cwd link it cannot be resolved and the key is the interpreter itself.
//   `__main__.py` is not treated specially.


export interface ExeEnv {
  /** link text of /proc/PID/exe, or null when unreadable */
  exeLink: string | null;
  /**
   * whether a path (already resolved against the process's cwd, and to be looked
   * up under the root dir) is a regular file; the caller does the I/O
   */
  isRegularFile(absPath: string): boolean;
  /** link text of /proc/PID/cwd, or null */
  cwd: string | null;
}

export interface ExeKey {
  exe: string;
  /** The whole cmd string (not cut to cmdlen). */
  cmd: string;
}

const WS = /\s+/;

/** Words of a string, split on whitespace, without empty words. */
function words(s: string): string[] {
  return s.split(WS).filter((w) => w.length > 0);
}

/** Basename: the part after the last '/' (no trailing-slash stripping, unlike path.basename). */
function lastPart(s: string): string {
  return s.slice(s.lastIndexOf('/') + 1);
}

/** Step 3. */
function usable(base: string): boolean {
  return base.length > 0 && base !== 'exe' && base.length <= 16 && /[A-Za-z]/.test(base);
}

/** Step 4, without the fallback. */
function cleanUp(name: string): string {
  let s = name.trim();
  s = s.replace(/[-.]bin$/, '').trim();
  // Trailing "tab…", "socket…", "rdd…", "process…" or a bare number, each after
  // whitespace and optionally preceded by a number: `browser 14 tab` → `browser`.
  s = s.replace(/(?:\s+\d+)?\s+(?:(?:tab|socket|rdd|process).*|\d+)$/i, '').trim();
  s = s.replace(/-(?:renderer|gpu|utility|plugin|content|extension)$/i, '').trim();
  // Leading/trailing non-word characters (Unicode-aware, as Python's \W).
  s = s.replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, '');
  return s;
}

const PYTHON = /^python(?:[23](?:\.\d+)?)?$/;
const INTERPRETERS = new Set(['perl', 'bash', 'sh', 'ksh', 'zsh', 'ruby', 'node']);

function isInterpreter(name: string): boolean {
  return INTERPRETERS.has(name) || PYTHON.test(name);
}

/** sudo options that take the next word as their value. */
const SUDO_ARG_SHORT = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-R', '-r', '-t', '-T', '-U']);
const SUDO_ARG_LONG = new Set([
  '--user', '--group', '--close-from', '--chdir', '--host', '--prompt', '--chroot', '--role',
  '--type', '--command-timeout', '--other-user',
]);

/** Index in `rest` of sudo's command word X, or -1. */
function sudoCommandIndex(rest: string[]): number {
  let i = 0;
  while (i < rest.length) {
    const w = rest[i] ?? '';
    if (w === '--') return i + 1 < rest.length ? i + 1 : -1;
    if (!w.startsWith('-') || w === '-') return w.length > 0 ? i : -1;
    if (SUDO_ARG_SHORT.has(w) || (SUDO_ARG_LONG.has(w) && !w.includes('='))) i += 2;
    else i += 1;
  }
  return -1;
}

/** Resolve a script word against the process's cwd; null when it cannot be. */
function resolveScript(word: string, cwd: string | null): string | null {
  if (word.startsWith('/')) return normalizeAbsolute(word);
  if (cwd === null || !cwd.startsWith('/')) return null;
  return normalizeAbsolute(`${cwd}/${word}`);
}

/** An absolute path without `.`, `..` and repeated slashes, as POSIX path.normalize makes it (the core runs in browsers too: no node:path). */
export function normalizeAbsolute(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}${out.length > 0 && p.endsWith('/') ? '/' : ''}`;
}

function joinCmd(key: string, remaining: string[]): string {
  const parts = [key];
  for (const w of remaining) if (w.length > 0) parts.push(w);
  return parts.join(' ');
}

/**
 * The steps of docs/columns.md#the-exe-key. `args` is the parsed cmdline (parseCmdline);
 * null = kernel thread or zombie (no args, or args[0] empty).
 */
export function exeKey(args: string[], env: ExeEnv): ExeKey | null {
  const title = args[0];
  if (title === undefined || title.length === 0) return null;

  // Step 2.
  const base = lastPart(title);
  const titleWords = words(title).slice(1);
  const rest = [...titleWords, ...args.slice(1)];
  // Words of rest consumed so far: the title words when the base names the
  // process (see the header comment).
  const consumed = new Set<number>();

  // Step 3.
  let name = base;
  let fromTitle = true;
  if (!usable(base)) {
    const link = env.exeLink;
    if (link !== null && !link.endsWith(' (deleted)')) {
      const linkBase = lastPart(link);
      if (linkBase.length > 0) {
        name = linkBase;
        fromTitle = false;
      }
    }
  }
  if (fromTitle) for (let i = 0; i < titleWords.length; i++) consumed.add(i);

  // Step 4.
  let key = cleanUp(name);
  if (key.length === 0) {
    const first = rest[0];
    key = first !== undefined ? lastPart(first) : '';
    if (key.length === 0) key = title.trim() || title;
  }

  // Step 5: sudo X … → key of X.
  if (key === 'sudo') {
    const x = sudoCommandIndex(rest);
    if (x >= 0) {
      const inner = exeKey(rest.slice(x), { exeLink: null, isRegularFile: env.isRegularFile, cwd: env.cwd });
      if (inner !== null) return inner;
    }
  }

  // Step 6: interpreters.
  if (isInterpreter(key)) {
    const w0 = rest[0];
    const w1 = rest[1];
    if (w0 !== undefined) {
      const python = PYTHON.test(key);
      if (python && w0 === '-m' && w1 !== undefined && w1.length > 0) {
        key = `${key}->${w1}`;
        consumed.add(0);
        consumed.add(1);
      } else if (python && w0.startsWith('-m') && w0.length > 2) {
        key = `${key}->${w0.slice(2)}`;
        consumed.add(0);
      } else if (w0.includes('/')) {
        const abs = resolveScript(w0, env.cwd);
        const script = lastPart(w0);
        if (abs !== null && script.length > 0 && env.isRegularFile(abs)) {
          key = `${key}->${script}`;
          consumed.add(0);
        }
      }
    }
  }

  // Step 7.
  const remaining = rest.filter((_, i) => !consumed.has(i));
  key = capKey(key);
  return { exe: key, cmd: joinCmd(key, remaining) };
}

/** Longest exe key kept: a module name or a title can be as long as argv (128 KB). */
export const MAX_EXE_KEY = 128;

/** A key any process can make huge would bloat every message and row: cut it, visibly. */
function capKey(key: string): string {
  return key.length <= MAX_EXE_KEY ? key : key.slice(0, MAX_EXE_KEY - 1) + '\u2026';
}
