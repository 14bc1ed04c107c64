// Display units (docs/columns.md#units-and-rounding). Rounding is half-to-even on the exact binary value,
// like Python's round() and format(), so figures agree with the original and smem.
import type { Units } from './types';

export const UNITS: readonly Units[] = ['MB', 'mB', 'KB', 'human'];

/** Round to an integer; an exact .5 goes to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f; // exact for |x| < 2^52
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * x with one decimal, half-to-even. toFixed already rounds the exact binary
 * value, but breaks exact ties upwards; a tie at one decimal is only possible
 * when x is a multiple of 0.25 (x*4 odd), and then x*10 is exact.
 */
export function fixed1(x: number): string {
  const q = x * 4;
  if (Number.isInteger(q) && q % 2 !== 0) {
    const n = roundHalfEven(x * 10);
    return (n / 10).toFixed(1);
  }
  return x.toFixed(1);
}

/** Integer with thousands separators: 1234567 → "1,234,567". */
export function withCommas(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  // String() turns to exponent notation from 1e21 on: every digit of the value instead.
  const a = Math.abs(n);
  const s = a < 1e21 ? String(a) : BigInt(Math.trunc(a)).toString();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return neg ? '-' + out : out;
}

/** K/M/G/T with one decimal from a byte count; the suffix switches at ≥ 999.95. */
export function human(bytes: number): string {
  if (bytes <= 0) return bytes === 0 ? '0' : '-' + human(-bytes);
  const suffixes = ['K', 'M', 'G', 'T'];
  let v = bytes;
  for (let i = 0; i < suffixes.length; i++) {
    v /= 1024;
    if (v < 999.95 || i === suffixes.length - 1) return fixed1(v) + suffixes[i];
  }
  return '0';
}

/** Format a KB figure in the given units. */
export function formatKb(kb: number, units: Units): string {
  switch (units) {
    case 'KB':
      return withCommas(Math.trunc(kb));
    case 'MB':
      return withCommas(roundHalfEven(kb / 1024));
    case 'mB':
      return withCommas(roundHalfEven((kb * 1024) / 1_000_000));
    case 'human':
      return human(kb * 1024);
  }
}

/** Suffixes of the binary scale past what human() uses, for figures a crafted tree can hold. */
const WIDE_SUFFIXES = ['M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/**
 * A KB figure in at most `room` characters, so that it never runs into the next column:
 * formatKb when that fits; else the figure on the binary scale with a suffix, as human()
 * writes it (one decimal below 1000, none above) in the smallest unit that fits — never M
 * in an MB or mB column, where it would read as that column's own unit; else `>` and the
 * largest figure that fits (`>9999Y`). Negative figures keep their sign.
 */
export function fitKb(kb: number, units: Units, room: number): string {
  if (Number.isNaN(kb)) return '?';
  const plain = Number.isFinite(kb) ? formatKb(kb, units) : '';
  if (plain && plain.length <= room) return plain;
  const sign = kb < 0 ? '-' : '';
  let v = Math.abs(kb);
  for (const suffix of WIDE_SUFFIXES) {
    v /= 1024;
    if (suffix === 'M' && (units === 'MB' || units === 'mB')) continue;
    const s = sign + (v < 999.95 ? fixed1(v) : String(roundHalfEven(v))) + suffix;
    if (Number.isFinite(v) && s.length <= room) return s;
  }
  return `${sign ? '<-' : '>'}${'9'.repeat(Math.max(1, room - sign.length - 2))}Y`;
}

/** Column width per unit; at least one wider than the longest label ("ptotal", "shSYSV"). */
export function columnWidth(units: Units): number {
  switch (units) {
    case 'KB':
      return 11;
    case 'MB':
    case 'mB':
      return 8;
    case 'human':
      return 7;
  }
}

export function isUnits(s: string): s is Units {
  return (UNITS as readonly string[]).includes(s);
}

/** Default --min-delta-kb: 100 with KB units, else 1000. */
export function defaultMinDeltaKb(units: Units): number {
  return units === 'KB' ? 100 : 1000;
}
