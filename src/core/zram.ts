// Effective memory with zRAM (docs/columns.md#the-second-line). All figures in bytes.
import type { ZramEffective, ZramStats } from './types';

/**
 * @param memTotal MemTotal in bytes
 * @param used MemTotal − MemAvailable in bytes
 */
export function zramEffective(memTotal: number, used: number, z: ZramStats): ZramEffective {
  let eUsed = used - z.memUsedTotal + z.origDataSize;
  let ratio: number;
  if (eUsed <= used) {
    eUsed = used;
    ratio = 2.75; // zRAM not helping yet: a conservative guess for the projection
  } else {
    ratio = z.memUsedTotal > 0 ? z.origDataSize / z.memUsedTotal : 2.75;
  }
  let limitPct = 80;
  if (z.memLimit > 0 && memTotal > 0) limitPct = Math.min(80, (100 * z.memLimit) / memTotal);
  const frac = z.disksize > 0 ? z.origDataSize / z.disksize : 0;
  const deg = frac < 0.1 ? 0.75 : frac < 0.5 ? 0.85 : 0.95;
  const proj = ratio * deg;
  let eTot = Math.min((proj * memTotal * limitPct) / 100, z.disksize);
  eTot += memTotal - eTot / proj;
  return { zramUsed: z.memUsedTotal, ratio, eTot, eUsed, eAvail: eTot - eUsed };
}
