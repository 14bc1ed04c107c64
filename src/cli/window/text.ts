// Text as the terminal shows it: measured in cells, cut to a width. (Making it printable is
// src/core/printable.ts's job.)

/** Cells one code point takes: 0 for combining marks and zero-width ones, 2 for East Asian wide and emoji. */
export function cellWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200d) || cp === 0xfeff || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** The cells `s` takes. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += cellWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** `s` cut to at most `width` cells (a wide character that would straddle the edge is dropped). */
export function cut(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width && !/[^\u0020-\u02ff]/.test(s)) return s;
  let w = 0;
  let out = '';
  for (const ch of s) {
    const c = cellWidth(ch.codePointAt(0) ?? 0);
    if (w + c > width) break;
    w += c;
    out += ch;
  }
  return out;
}

/** `s` cut to `width` cells and padded with spaces to exactly `width`. */
export function fit(s: string, width: number): string {
  const c = cut(s, width);
  return c + ' '.repeat(Math.max(0, width - textWidth(c)));
}
