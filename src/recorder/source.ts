// Where the recorder's samples come from: a Monitor (src/engine/monitor.ts), the engine behind
// every live view, so a recording holds what those views read; the recorder writes the Sample
// each Report was made of (every process's own figures), and the leak suspects the Monitor
// flagged under the exe grouping.
import type { LeakVerdict } from '../core/leaks';
import type { Sample } from '../core/types';
import { Monitor } from '../engine/monitor';

export interface RecordTick {
  sample: Sample;
  /** Groups (exe key) that became leak suspects with this sample. */
  newSuspects: readonly { key: string; verdict: LeakVerdict }[];
}

export interface TickSource {
  tick(): Promise<RecordTick>;
  /** A captured loop (DIR/0, DIR/1, …) has given its last sample. */
  readonly done: boolean;
  close(): void;
}

/** Samples the live system (roots ['/']) or a captured tree or loop, one root per tick. */
export function monitorSource(roots: readonly string[], intervalSecs: number): TickSource {
  // The oom score is not recorded: a file more per process per sample, and a figure that
  // changes with every page (docs/recorder.md#what-is-recorded).
  // loopSeconds only sizes the leak history here: kept within the catalogue's range.
  const loopSeconds = Math.min(3600, Math.max(0.5, intervalSecs));
  const monitor = new Monitor({ groupBy: 'exe', loopSeconds, showCpu: true, showOom: false }, { roots, allCgroups: true });
  return {
    get done() {
      return monitor.ended;
    },
    async tick() {
      await monitor.tick();
      const sample = monitor.lastSample;
      if (!sample) throw new Error('the monitor gave no sample');
      return { sample, newSuspects: monitor.newSuspects() };
    },
    close() {
      monitor.close();
    },
  };
}
