import { describe, it, expect } from 'vitest';
import { posix } from 'node:path';
import { exeKey, MAX_EXE_KEY, normalizeAbsolute, type ExeEnv } from '../../src/core/exekey';

/** Regular files of the fake root. */
const FILES = new Set([
  '/x/y.py', '/abs/script.py', '/srv/x/y.py', '/srv/bin/tool.py', '/x/server-main.js',
  '/usr/local/bin/foo.sh', '/srv/app/manage.py', '/x/a.rb', '/home/u/foo.py', '/x/__main__.py',
  '/usr/bin/python3', '/x/t.pl',
]);

interface Case {
  name: string;
  args: string[];
  link?: string | null;
  cwd?: string | null;
  exe: string | null;
  cmd?: string;
}

const CASES: Case[] = [
  // Step 1: kernel threads and zombies.
  { name: 'kernel thread (empty cmdline)', args: [], exe: null },
  { name: 'empty argv0', args: [''], exe: null },
  { name: 'empty argv0 with more args', args: ['', 'x'], exe: null },

  // Step 2: the title may hold spaces.
  { name: 'rewritten title stays one key', args: ['Web Content'], exe: 'Web Content', cmd: 'Web Content' },
  { name: 'title words are not repeated in cmd', args: ['Web Content', '-x'], exe: 'Web Content', cmd: 'Web Content -x' },
  { name: 'plain path', args: ['/usr/bin/vim', 'a b.txt'], exe: 'vim', cmd: 'vim a b.txt' },

  // Step 3: unusable base → exe link.
  { name: '>16 chars → exe link', args: ['/opt/x/some-very-long-program', '--x'], link: '/opt/x/longprog', exe: 'longprog', cmd: 'longprog --x' },
  { name: 'exactly 16 chars is usable', args: ['/a/abcdefghijklmnop'], link: '/a/other', exe: 'abcdefghijklmnop' },
  { name: '>16 chars, no link → kept', args: ['/opt/x/some-very-long-program'], link: null, exe: 'some-very-long-program' },
  { name: 'digits only (no letter) → exe link', args: ['12345', 'a'], link: '/usr/bin/worker', exe: 'worker', cmd: 'worker a' },
  { name: 'no ASCII letter → exe link', args: ['[0:1]'], link: '/usr/bin/w2', exe: 'w2' },
  { name: '`exe` → exe link', args: ['/proc/self/exe', '--type=zygote'], link: '/usr/share/code/code', exe: 'code', cmd: 'code --type=zygote' },
  { name: '(deleted) link is not used', args: ['exe'], link: '/tmp/foo (deleted)', exe: 'exe', cmd: 'exe' },
  { name: '(deleted) link, digits argv0', args: ['4242'], link: '/tmp/foo (deleted)', exe: '4242' },
  { name: 'unreadable link', args: ['exe', '-v'], link: null, exe: 'exe', cmd: 'exe -v' },
  {
    name: 'sshd-style title: basename has no letter → exe link; title words kept in cmd',
    args: ['sshd: user@pts/0', '', ''], link: '/usr/sbin/sshd', exe: 'sshd', cmd: 'sshd user@pts/0',
  },

  // Step 4: clean-ups.
  { name: '-bin suffix', args: ['/usr/lib/firefox/firefox-bin', '-new-window'], exe: 'firefox', cmd: 'firefox -new-window' },
  { name: '.bin suffix', args: ['/opt/app/app.bin'], exe: 'app' },
  { name: 'g++ → g', args: ['/usr/bin/g++', '-c', 'x.cc'], exe: 'g', cmd: 'g -c x.cc' },
  { name: 'login shell -bash → bash', args: ['-bash'], exe: 'bash', cmd: 'bash' },
  { name: 'chromium -renderer', args: ['/usr/lib/chromium/chromium-renderer', '--type=renderer'], exe: 'chromium', cmd: 'chromium --type=renderer' },
  { name: 'chromium -gpu', args: ['chromium-gpu'], exe: 'chromium' },
  { name: '-utility', args: ['code-utility'], exe: 'code' },
  { name: '-plugin', args: ['app-plugin'], exe: 'app' },
  { name: '-content (case-insensitive)', args: ['app-Content'], exe: 'app' },
  { name: '-extension', args: ['app-extension'], exe: 'app' },
  { name: 'browser 14 tab', args: ['browser 14 tab'], exe: 'browser', cmd: 'browser' },
  { name: 'trailing socket…', args: ['firefox 3 socket'], exe: 'firefox' },
  { name: 'trailing process… (case-insensitive)', args: ['RDD Process'], exe: 'RDD' },
  { name: 'trailing rdd…', args: ['firefox rdd'], exe: 'firefox' },
  { name: 'trailing bare number', args: ['browser 4'], exe: 'browser' },
  { name: 'two trailing numbers', args: ['worker 1 2'], exe: 'worker' },
  { name: 'no whitespace: tabby is not a tab', args: ['tabby'], exe: 'tabby' },
  { name: 'empty after clean-up → first word of rest', args: ['---', 'foo/bar'], link: null, exe: 'bar', cmd: 'bar foo/bar' },
  { name: 'empty after clean-up, no rest → argv0', args: ['+++'], link: null, exe: '+++', cmd: '+++' },

  // Step 5: sudo.
  { name: 'sudo X', args: ['sudo', 'vim', 'f'], exe: 'vim', cmd: 'vim f' },
  { name: 'sudo X is recursive', args: ['/usr/bin/sudo', 'python3', '/x/y.py', '--v'], exe: 'python3->y.py', cmd: 'python3->y.py --v' },
  { name: 'sudo options are skipped', args: ['sudo', '-E', '-u', 'bob', '--group=g', 'vim', 'f'], exe: 'vim', cmd: 'vim f' },
  { name: 'sudo --', args: ['sudo', '--', '/bin/ls', '-l'], exe: 'ls', cmd: 'ls -l' },
  { name: 'sudo alone', args: ['sudo'], exe: 'sudo', cmd: 'sudo' },
  { name: 'sudo with options only', args: ['sudo', '-i'], exe: 'sudo', cmd: 'sudo -i' },
  { name: 'sudo X ignores sudo’s exe link', args: ['sudo', '12345'], link: '/usr/bin/sudo', exe: '12345' },

  // Step 6: interpreters.
  { name: 'python3 -m mod', args: ['python3', '-m', 'http.server', '8000'], exe: 'python3->http.server', cmd: 'python3->http.server 8000' },
  { name: 'python -mmod', args: ['/usr/bin/python', '-mvenv', 'x'], exe: 'python->venv', cmd: 'python->venv x' },
  { name: 'python3 -m without module', args: ['python3', '-m'], exe: 'python3', cmd: 'python3 -m' },
  { name: 'perl -m is not python -m', args: ['perl', '-m', 'x'], exe: 'perl', cmd: 'perl -m x' },
  { name: 'python3.11 /abs/script.py', args: ['/usr/bin/python3.11', '/abs/script.py', 'a'], exe: 'python3.11->script.py', cmd: 'python3.11->script.py a' },
  { name: 'python2 /abs/script.py', args: ['python2', '/abs/script.py'], exe: 'python2->script.py' },
  { name: 'relative ./x/y.py against the process cwd', args: ['python3', './x/y.py'], cwd: '/srv', exe: 'python3->y.py', cmd: 'python3->y.py' },
  { name: 'relative ../bin/tool.py', args: ['python3', '../bin/tool.py'], cwd: '/srv/app', exe: 'python3->tool.py' },
  { name: 'relative path, unreadable cwd → interpreter', args: ['python3', './x/y.py'], cwd: null, exe: 'python3', cmd: 'python3 ./x/y.py' },
  { name: 'script that does not exist → interpreter', args: ['python3', '/nope/x.py'], exe: 'python3', cmd: 'python3 /nope/x.py' },
  { name: 'directory is not a regular file', args: ['python3', '/x/'], exe: 'python3', cmd: 'python3 /x/' },
  { name: 'no directory part → interpreter', args: ['python3', 'foo.py'], cwd: '/home/u', exe: 'python3', cmd: 'python3 foo.py' },
  { name: 'node /x/server-main.js', args: ['/usr/bin/node', '/x/server-main.js', '--port', '3000'], exe: 'node->server-main.js', cmd: 'node->server-main.js --port 3000' },
  { name: 'node -e code', args: ['node', '-e', 'console.log(1)'], exe: 'node', cmd: 'node -e console.log(1)' },
  { name: 'perl -e …', args: ['perl', '-e', 'print 1'], exe: 'perl', cmd: 'perl -e print 1' },
  { name: 'perl /x/t.pl', args: ['perl', '/x/t.pl'], exe: 'perl->t.pl' },
  { name: 'sh -c …', args: ['sh', '-c', 'sleep 5; echo /x/y.py'], exe: 'sh', cmd: 'sh -c sleep 5; echo /x/y.py' },
  { name: 'shebang-style bash script', args: ['/bin/bash', '/usr/local/bin/foo.sh', 'arg'], exe: 'bash->foo.sh', cmd: 'bash->foo.sh arg' },
  { name: 'ruby', args: ['ruby', '/x/a.rb'], exe: 'ruby->a.rb' },
  { name: 'zsh/ksh without script', args: ['zsh'], exe: 'zsh', cmd: 'zsh' },
  { name: 'only the first word of rest is looked at', args: ['python3', '-u', '/x/y.py'], exe: 'python3', cmd: 'python3 -u /x/y.py' },
  { name: '__main__.py is not special', args: ['python3', '/x/__main__.py'], exe: 'python3->__main__.py' },
  { name: 'python3-config is not an interpreter', args: ['python3-config', '/x/y.py'], exe: 'python3-config', cmd: 'python3-config /x/y.py' },
  {
    name: 'rewritten interpreter title (unusable base → link; title words are rest)',
    args: ['/usr/bin/python3 /srv/app/manage.py runserver'], link: '/usr/bin/python3.11',
    exe: 'python3.11->manage.py', cmd: 'python3.11->manage.py runserver',
  },
  { name: 'interpreter via exe link', args: ['1234', '/x/y.py'], link: '/usr/bin/python3', exe: 'python3->y.py', cmd: 'python3->y.py' },

  // Step 7: cmd string.
  { name: 'cmd keeps words with spaces, drops empty args', args: ['/bin/echo', 'a  b', '', 'c'], exe: 'echo', cmd: 'echo a  b c' },
];

describe('exeKey', () => {
  it.each(CASES)('$name', (c) => {
    const calls: string[] = [];
    const env: ExeEnv = {
      exeLink: c.link === undefined ? null : c.link,
      cwd: c.cwd === undefined ? '/' : c.cwd,
      isRegularFile: (p: string) => {
        calls.push(p);
        return FILES.has(p);
      },
    };
    const k = exeKey(c.args, env);
    if (c.exe === null) {
      expect(k).toBeNull();
      return;
    }
    expect(k?.exe).toBe(c.exe);
    if (c.cmd !== undefined) expect(k?.cmd).toBe(c.cmd);
    // Every looked-up path is absolute and normalised.
    for (const p of calls) expect(p.startsWith('/') && !p.includes('/./') && !p.includes('/../')).toBe(true);
  });

  it('resolves a relative script against the process cwd, not ours', () => {
    const calls: string[] = [];
    exeKey(['python3', './x/y.py'], { exeLink: null, cwd: '/srv', isRegularFile: (p) => (calls.push(p), true) });
    expect(calls).toEqual(['/srv/x/y.py']);
  });

  it('does not touch the file system for non-interpreters', () => {
    let n = 0;
    exeKey(['/usr/bin/vim', '/x/y.py'], { exeLink: null, cwd: '/', isRegularFile: () => (n++, true) });
    expect(n).toBe(0);
  });

  it('never throws on odd input', () => {
    const odd = [['/'], [' '], ['\ufffd\ufffd'], ['a'.repeat(5000)], ['sudo', 'sudo', 'sudo'], ['sudo', ''],
      ['python3', ''], ['python3', '/'], ['//'], ['a/'], ['\0']];
    for (const a of odd) {
      const k = exeKey(a, { exeLink: '/', cwd: 'relative', isRegularFile: () => true });
      expect(k === null || k.exe.length > 0).toBe(true);
    }
  });
});

describe('exeKey: a key no process can make huge', () => {
  const env = { exeLink: null, cwd: '/', isRegularFile: () => false };
  it('cuts a 128 KB module name to MAX_EXE_KEY characters, ending in an ellipsis', () => {
    const k = exeKey(['python3', '-m', 'm'.repeat(128 * 1024)], env);
    expect(k?.exe.length).toBe(MAX_EXE_KEY);
    expect(k?.exe.startsWith('python3->mmm')).toBe(true);
    expect(k?.exe.endsWith('\u2026')).toBe(true);
  });
  it('leaves ordinary keys alone', () => {
    expect(exeKey(['python3', '-m', 'http.server'], env)?.exe).toBe('python3->http.server');
  });
});

describe('normalizeAbsolute', () => {
  it('normalizes an absolute path as POSIX path.normalize does (the core has no node:path)', () => {
    for (const p of ['/a/b/../c', '/a//b/./c/', '/..', '/a/b/..', '/a/.', '/', '//x', '/a/b/c/../../d.py', '/srv/./x/y.py', '/a/b/']) {
      expect(normalizeAbsolute(p), p).toBe(posix.normalize(p));
    }
  });
});
