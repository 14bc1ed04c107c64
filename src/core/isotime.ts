// Times as users give and read them: ISO 8601, local time when no zone is given (as `date`
// prints it), or relative to now (-10m). Pure but for the machine's time zone, which Date applies.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^-(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** ms since the epoch, or null when `text` is no time this accepts. */
export function parseTime(text: string, now: number): number | null {
  const t = text.trim();
  if (t === 'now') return now;
  const rel = RELATIVE.exec(t);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  const m = ISO.exec(t);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m.slice(1, 8).map((x) => x ?? undefined);
  const n = [y, mo, d, h, mi, s, ms.padEnd(3, '0')].map(Number);
  if (n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23 || n[4] > 59 || n[5] > 60) return null;
  const zone = m[8];
  if (zone === undefined) return new Date(n[0], n[1] - 1, n[2], n[3], n[4], n[5], n[6]).getTime();
  const utc = Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5], n[6]);
  if (zone.toUpperCase() === 'Z') return utc;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!z) return null;
  const off = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  return z[1] === '+' ? utc - off : utc + off;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time without a zone, to the ms (so that --at with it finds that very sample): 2026-12-04T21:07:05.123. */
export function localIso(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
