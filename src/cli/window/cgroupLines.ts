// The terminal window's drill-down of a group under a unit, container or cgroup grouping (Enter
// on its row): where its cgroup's memory goes, its limits and its events, from the report's
// figures (src/core/cgroupMemory.ts). Pure, like render.ts.
import { eventsText, limitsText, waterfallLines } from '../../core/cgroupMemory';
import { printable } from '../../core/printable';
import type { GroupRow } from '../../core/types';
import type { Line } from './render';

export function cgroupLines(row: GroupRow | undefined, key: string): Line[] {
  const k = row?.kernel;
  const name = printable(row?.info ?? key);
  if (!row || !k || row.type === 'x') return [{ text: `Memory of ${name}: the group has gone, or is no longer one cgroup`, style: 'alert' }];
  const out: Line[] = [{ text: `Memory of ${name} (cgroup ${printable(k.dir)})`, style: 'header' }];
  if (k.parts) for (const t of waterfallLines(k.current, k.parts)) out.push({ text: `  ${t}`, style: 'plain' });
  else out.push({ text: '  no memory.stat for this cgroup: its usage cannot be split', style: 'plain' });
  out.push({ text: '', style: 'plain' });
  if (k.limits) out.push({ text: `limits: ${limitsText(k.limits)}`, style: 'plain' });
  if (k.events) out.push({ text: `events since the view started: ${eventsText(k.events, true)}`, style: (k.events.oomKill ?? 0) > 0 ? 'alert' : 'plain' });
  if (k.eventsTotal) out.push({ text: `events since the cgroup was made: ${eventsText(k.eventsTotal, false)}`, style: 'plain' });
  return out;
}
