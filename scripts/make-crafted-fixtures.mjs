#!/usr/bin/env node
// Writes the two crafted /proc trees that no capture of a real machine would give:
//
//   fixtures/hostile/{0,1}/proc  a loop of two samples whose processes and kernel threads
//                                are named with every kind of text a terminal or a viewer
//                                obeys: C0 and C1 controls, ESC sequences (`ESC [2J`, OSC 52
//                                clipboard writes ended by BEL), DEL, invalid UTF-8, bidi
//                                overrides/isolates, line separators and a BOM — in the
//                                command line, comm and the exe and cwd links.
//   fixtures/huge/proc           one process of 2^63 KB beside an ordinary one.
//
// Layout as scripts/capture-fixture.mjs writes it; figures are small and made up.
//   node scripts/make-crafted-fixtures.mjs
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ESC = '\x1b';
const BEL = '\x07';
/** Everything hostile, as text: each piece must come out escaped, never raw. */
const HOSTILE_TEXT =
  `${ESC}[2J${ESC}]52;c;cHduZWQ=${BEL}${ESC}[31mred${ESC}[0m${ESC}]0;title${BEL}` +
  '\x01\x08\t\v\f\r\n\x7f\u0085\u009b2J\u0090x\u009c' +
  '\u202aA\u202bB\u202cC\u202dD\u202eE\u2066F\u2067G\u2068H\u2069I\u200eJ\u200fK\u061cL\u2028M\u2029N\ufeffO';
/** Bytes that are not UTF-8: a raw C1 CSI, a lone continuation byte, a truncated sequence. */
const INVALID_UTF8 = Buffer.from([0x9b, 0x32, 0x4a, 0x80, 0xe2, 0x80]);

const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
const PF_KTHREAD = 0x00200000;

function stat(pid, comm, { ppid, ticks, starttime, flags = 4194304 }) {
  // Fields 3-24 of proc(5): state ppid pgrp session tty tpgid flags minflt cminflt majflt
  // cmajflt utime stime cutime cstime priority nice threads itreal starttime vsize rss.
  const rest = `S ${ppid} ${pid} ${pid} 0 -1 ${flags} 10 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${starttime} 1000000 100`;
  return bytes(`${pid} (`, comm, `) ${rest} 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`);
}

function rollup(pssKb) {
  const kb = (n) => `${String(n).padStart(8)} kB`;
  return [
    '55d000000000-7ffd00000000 ---p 00000000 00:00 0                          [rollup]',
    `Rss:            ${kb(pssKb)}`,
    `Pss:            ${kb(pssKb)}`,
    `Pss_Anon:       ${kb(pssKb)}`,
    `Pss_File:       ${kb(0)}`,
    `Pss_Shmem:      ${kb(0)}`,
    `Swap:           ${kb(0)}`,
    `SwapPss:        ${kb(0)}`,
    '',
  ].join('\n');
}

function smaps(pssKb) {
  return [
    '55d000000000-55d000100000 rw-p 00000000 00:00 0                          [heap]',
    `Size:           ${pssKb} kB`,
    `Rss:            ${pssKb} kB`,
    `Pss:            ${pssKb} kB`,
    'Shared_Clean:          0 kB',
    'Shared_Dirty:          0 kB',
    'Private_Clean:         0 kB',
    `Private_Dirty:  ${pssKb} kB`,
    'Swap:                  0 kB',
    'SwapPss:               0 kB',
    '',
  ].join('\n');
}

function system(root, cpuTicks) {
  const proc = join(root, 'proc');
  mkdirSync(proc, { recursive: true });
  writeFileSync(
    join(proc, 'meminfo'),
    'MemTotal:        8000000 kB\nMemFree:         4000000 kB\nMemAvailable:    6000000 kB\nShmem:             10000 kB\nDirty:               100 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n',
  );
  writeFileSync(join(proc, 'stat'), `cpu  ${cpuTicks} 0 0 ${cpuTicks} 0 0 0 0 0 0\ncpu0 ${cpuTicks} 0 0 ${cpuTicks} 0 0 0 0 0 0\n`);
  writeFileSync(join(proc, 'vmstat'), 'pgmajfault 10\n');
  return proc;
}

/** One process directory: cmdline arguments (strings or Buffers), comm, exe and cwd link texts. */
function processDir(proc, pid, p, sample) {
  const dir = join(proc, String(pid));
  mkdirSync(dir);
  const args = p.args ?? [];
  writeFileSync(join(dir, 'cmdline'), args.length ? bytes(...args.flatMap((a) => [a, '\0'])) : Buffer.alloc(0));
  writeFileSync(join(dir, 'stat'), stat(pid, p.comm, { ppid: p.ppid ?? 1, ticks: p.ticks[sample], starttime: p.starttime ?? 5000 + pid, flags: p.flags }));
  if (p.exe) symlinkSync(p.exe, join(dir, 'exe'));
  if (p.cwd) symlinkSync(p.cwd, join(dir, 'cwd'));
  if (p.pssKb !== undefined) {
    writeFileSync(join(dir, 'smaps_rollup'), rollup(p.pssKb));
    writeFileSync(join(dir, 'smaps'), smaps(p.pssKb));
  }
}

const HOSTILE = {
  // kthreadd and a kernel worker: named by comm only, shown in the loop's leader line.
  2: { comm: bytes(`${ESC}[2J${ESC}]52;c;a3Q=${BEL}`), ppid: 0, flags: PF_KTHREAD | 0x8040, ticks: [100, 400] },
  3: { comm: bytes('kworker\u009b\u202e', INVALID_UTF8), ppid: 2, flags: PF_KTHREAD | 0x8060, ticks: [100, 300] },
  // The attack of the issue: python3 -c 'import time; time.sleep(60)' $'\e[2J\e]52;c;…\a'.
  100: {
    args: ['python3', '-c', 'import time; time.sleep(60)', HOSTILE_TEXT],
    comm: 'python3',
    exe: '/usr/bin/python3',
    cwd: `/home/${ESC}]52;c;Y3dk${BEL}\u202e`,
    pssKb: 4000,
    ticks: [10, 20],
  },
  // A title that is nothing but escapes: its key comes from the exe link, hostile too.
  101: {
    args: [`${ESC}[0;1`, bytes('--flag=', INVALID_UTF8), `${ESC}]52;c;ZXhl${BEL}`],
    comm: bytes('x\t\n\u0085'),
    exe: bytes('/tmp/evil', `${ESC}]52;c;bGluaw==${BEL}`, '\u202egpj.exe', INVALID_UTF8, 'x'),
    pssKb: 3000,
    ticks: [10, 20],
  },
  // An interpreter whose script word carries the escapes (the file need not exist).
  102: {
    args: ['/usr/bin/perl', `/srv/${ESC}[2J/app\u202ecod.pl`, `${ESC}]52;c;cGw=${BEL}`, INVALID_UTF8],
    comm: 'perl',
    exe: '/usr/bin/perl',
    pssKb: 2000,
    ticks: [10, 20],
  },
  // Invalid UTF-8 and C1 in a renamed title whose base is usable as a name.
  103: {
    args: [bytes('evil\u0085name', INVALID_UTF8, '\u2028two'), bytes('\u009b2J')],
    comm: 'evil',
    exe: '/usr/bin/sleep',
    pssKb: 1000,
    ticks: [10, 20],
  },
};

function writeHostile(dir) {
  rmSync(dir, { recursive: true, force: true });
  for (const sample of [0, 1]) {
    const proc = system(join(dir, String(sample)), 1000 + sample * 1000);
    for (const [pid, p] of Object.entries(HOSTILE)) processDir(proc, Number(pid), p, sample);
  }
}

function writeHuge(dir) {
  rmSync(dir, { recursive: true, force: true });
  const proc = system(dir, 1000);
  processDir(proc, 200, { args: ['/usr/bin/huge'], comm: 'huge', exe: '/usr/bin/huge', pssKb: 2n ** 63n, ticks: [0] }, 0);
  processDir(proc, 201, { args: ['sleep', '100'], comm: 'sleep', exe: '/usr/bin/sleep', pssKb: 1234, ticks: [0] }, 0);
}

writeHostile(join('fixtures', 'hostile'));
writeHuge(join('fixtures', 'huge'));
console.log('wrote fixtures/hostile and fixtures/huge');
