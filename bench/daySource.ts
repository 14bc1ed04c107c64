// The synthetic day both recorder benches record: N processes sampled every 5 s from `start`,
// 5 % of them changing a little each tick and one replaced by a new process a minute.
import type { ProcSample, Sample } from '../src/core/types';
import type { TickSource } from '../src/recorder/source';

export function daySource(base: readonly ProcSample[], template: Sample, n: number, start: number): { source: TickSource; procs: ProcSample[] } {
  const procs = Array.from({ length: n }, (_, i) => ({ ...base[i % base.length], pid: 100_000 + i, mem: { ...base[i % base.length].mem } }));
  let tick = 0;
  let nextPid = 200_000;
  const source: TickSource = {
    done: false,
    tick: async () => {
      tick++;
      for (let i = tick % 20; i < n; i += 20) {
        procs[i].mem.ptotal += (tick % 3) - 1;
        procs[i].mem.data += (tick % 3) - 1;
        procs[i].cpu = (tick % 7) / 10;
      }
      if (tick % 12 === 0) procs[tick % n] = { ...procs[tick % n], pid: nextPid++, starttime: tick };
      return { sample: { ...template, time: start + tick * 5000, procs: [...procs].sort((a, b) => a.pid - b.pid) }, newSuspects: [] };
    },
    close: () => undefined,
  };
  return { source, procs };
}
