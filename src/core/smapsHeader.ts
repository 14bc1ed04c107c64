// The header line of a mapping in /proc/PID/smaps (and maps): where its name is and what it
// says (docs/columns.md#detail-mode-every-mapping), over a string: the maps view reads names
// here; the detail parse categorises headers over the bytes (src/core/smapsBytes.ts).

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

// Mapping categories (docs/columns.md#detail-mode-every-mapping).
export const CAT_SYSV = 0;
export const CAT_SHOTH = 1;
export const CAT_STACK = 2;
export const CAT_DATA = 3;
export const CAT_TEXT = 4;
/** Added to a header's category when the mapping is of shared memory (see smapsBytes.ts's SHMEM_PREFIXES). */
export const SHMEM_FLAG = 8;

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
