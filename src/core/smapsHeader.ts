// The header line of a mapping in /proc/PID/smaps (and maps): where its name is, and which
// detail category its pages go to (docs/columns.md#detail-mode-every-mapping). Pure scanners
// over the string, on the parse's hot path (src/core/smaps.ts).

const CR = 13; // '\r'
const SP = 32; // ' '
const TAB = 9; // '\t'
const DASH = 45; // '-'
const D0 = 48; // '0'
const D9 = 57; // '9'
const UA = 65; // 'A'
const UF = 70; // 'F'
const LA = 97; // 'a'
const LF = 102; // 'f'
const C_S = 83; // 'S'
const C_s = 115; // 's'
const C_w = 119; // 'w'
const C_d = 100; // 'd'
const C_m = 109; // 'm'

// Mapping categories (docs/columns.md#detail-mode-every-mapping).
export const CAT_SYSV = 0;
export const CAT_SHOTH = 1;
export const CAT_STACK = 2;
export const CAT_DATA = 3;
export const CAT_TEXT = 4;
/** Added to a header's category when the mapping is of shared memory (see isShmemName). */
export const SHMEM_FLAG = 8;

/**
 * Names of mappings whose pages are shmem (what the rollup counts as Pss_Shmem): SysV
 * segments (`/SYSV0000002a (deleted)`), POSIX shared memory in /dev/shm, memfds
 * (`/memfd:name (deleted)`), shared anonymous memory (`/dev/zero (deleted)`, or
 * `[anon_shmem:name]` when named). An approximation: a mapping of a file in another
 * tmpfs (/tmp, /run) is shmem too but cannot be told from a disk file by its name, and
 * pages a private mapping of these has copied on write are anonymous, not shmem.
 */
const SHMEM_PREFIXES = ['/SYSV', '/dev/shm/', '/memfd:', '/dev/zero (deleted)', '[anon_shmem'];

function isShmemName(text: string, start: number, end: number): boolean {
  // Most names are libraries and files: one compare rules them out.
  const c = text.charCodeAt(start + 1);
  if (end <= start || !(c === C_S || c === C_d || c === C_m || c === LA)) return false;
  for (const p of SHMEM_PREFIXES) if (end - start >= p.length && matchAt(text, start, p)) return true;
  return false;
}

/** text.startsWith(word, pos) without a call into the runtime (on the parse's hot path). */
export function matchAt(text: string, pos: number, word: string): boolean {
  if (pos + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(pos + i) !== word.charCodeAt(i)) return false;
  return true;
}

function isHex(c: number): boolean {
  return (c >= D0 && c <= D9) || (c >= LA && c <= LF) || (c >= UA && c <= UF);
}

/**
 * Where the name of a mapping header line `start-end perms offset dev inode [name]`
 * spanning [pos, eol) starts (eol when it has none); -1 when the line is not a header.
 * The perms are the four characters at the first space + 1.
 */
export function headerNameAt(text: string, pos: number, eol: number): number {
  // start-end: hex digits, a '-', hex digits, then a space.
  const sp = text.indexOf(' ', pos);
  if (sp < 0 || sp >= eol) return -1;
  let dash = -1;
  for (let i = pos; i < sp; i++) {
    const c = text.charCodeAt(i);
    if (c === DASH) {
      if (dash >= 0) return -1;
      dash = i;
    } else if (!isHex(c)) {
      return -1;
    }
  }
  if (dash <= pos || dash === sp - 1) return -1;
  // perms: 4 characters, e.g. "rw-p", "r--s", "---p".
  if (sp + 5 > eol) return -1;
  // Skip perms, offset, dev, inode (4 fields) to the name.
  let i = sp + 1;
  for (let f = 0; f < 4; f++) {
    while (i < eol && text.charCodeAt(i) !== SP) i++;
    while (i < eol && text.charCodeAt(i) === SP) i++;
  }
  return i;
}

/** The end of a header's name: eol without trailing blanks (and a CR). */
export function headerNameEnd(text: string, nameAt: number, eol: number): number {
  let nameEnd = eol;
  while (nameEnd > nameAt) {
    const c = text.charCodeAt(nameEnd - 1);
    if (c !== SP && c !== TAB && c !== CR) break;
    nameEnd--;
  }
  return nameEnd;
}

/** Whether a mapping's name [i, end) holds "SYSV" (e.g. "/SYSV0000002a (deleted)"). */
export function isSysvName(text: string, i: number, end: number): boolean {
  for (let j = i; j + 4 <= end; j++) {
    if (text.charCodeAt(j) === C_S && text.startsWith('SYSV', j)) return true;
  }
  return false;
}

/**
 * Categorise a mapping header line that spans [pos, eol). Returns -1 when the line
 * is not a header.
 */
export function headerCategory(text: string, pos: number, eol: number): number {
  const i = headerNameAt(text, pos, eol);
  if (i < 0) return -1;
  const p = text.indexOf(' ', pos) + 1;
  const p1 = text.charCodeAt(p + 1);
  const shared = text.charCodeAt(p + 3) === C_s;
  const nameEnd = headerNameEnd(text, i, eol);
  const shm = isShmemName(text, i, nameEnd) ? SHMEM_FLAG : 0;
  if (shared) return (isSysvName(text, i, nameEnd) ? CAT_SYSV : CAT_SHOTH) | shm;
  if (nameEnd - i === 7 && text.startsWith('[stack]', i)) return CAT_STACK;
  if (p1 === C_w) return CAT_DATA | shm;
  // Guard pages ("---p") have Pss 0; they go with data.
  if (text.startsWith('---p', p)) return CAT_DATA;
  return CAT_TEXT | shm;
}
