// Lines to escape sequences. A frame goes out in one write: each line that differs from the
// one on screen is rewritten in place (cursor to its row, styled text, erase to the end of the
// line), inside synchronized-output marks so a terminal that knows them shows the frame at once.
// Auto-wrap is off while the window is open, so a line can never spill onto the next row.
import type { Line, Style } from './render';
import { textWidth } from './text';

const ESC = '\x1b[';
export const ENTER = `${ESC}?1049h${ESC}?25l${ESC}?7l${ESC}H${ESC}2J`;
export const LEAVE = `${ESC}?2026l${ESC}0m${ESC}?7h${ESC}?25h${ESC}?1049l`;
const SYNC_BEGIN = `${ESC}?2026h`;
const SYNC_END = `${ESC}?2026l`;

/** SGR parameters of a style in colour (green new, yellow growth, cyan shrink, dim vanished). */
const COLOUR: Readonly<Record<Style, string>> = {
  plain: '',
  leader: '',
  header: '1',
  total: '1',
  new: '32',
  grow: '33',
  shrink: '36',
  gone: '2',
  overflow: '2',
  member: '',
  status: '7',
  alert: '1;31',
};

/** Without colour (NO_COLOR): only attributes (bold, dim, reverse video) tell the rows apart. */
const MONO: Readonly<Record<Style, string>> = { ...COLOUR, new: '1', grow: '1', shrink: '', alert: '1;7' };

export function sgr(line: Line, colour: boolean): string {
  const base = (colour ? COLOUR : MONO)[line.style];
  const params = line.selected ? (base ? `${base};7` : '7') : base;
  return params ? `${ESC}${params}m` : '';
}

/**
 * One line as drawn at row `row` (0-based) of a screen `width` cells wide. The rest of the row
 * is erased only when the text ends before the last column: with auto-wrap off the cursor stays
 * on the last column after writing there, and erasing would take that cell too.
 */
export function encodeLine(line: Line, row: number, width: number, colour: boolean): string {
  const on = sgr(line, colour);
  const erase = textWidth(line.text) < width ? `${ESC}K` : '';
  return `${ESC}${row + 1};1H${on}${line.text}${on ? `${ESC}0m` : ''}${erase}`;
}

/**
 * The bytes that turn the screen `prev` (what was drawn, per row; empty after a clear or a
 * resize) into `next`; '' when nothing changed. Returns the new screen as well.
 */
export function frame(prev: readonly string[], next: readonly Line[], width: number, colour: boolean): { out: string; screen: string[] } {
  const screen = next.map((l, i) => encodeLine(l, i, width, colour));
  let body = '';
  for (let i = 0; i < screen.length; i++) if (screen[i] !== prev[i]) body += screen[i];
  if (prev.length > screen.length) body += `${ESC}${screen.length + 1};1H${ESC}J`;
  return { out: body ? SYNC_BEGIN + body + SYNC_END : '', screen };
}

/** Colour unless NO_COLOR is set to anything non-empty (no-color.org) or TERM is dumb. */
export function wantsColour(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR && env.TERM !== 'dumb';
}
