// What the terminal window shows samples from: the live engine (a Monitor), or a recording
// stepped by keys (src/recorder/replayWindow.ts).
import type { EngineOptions } from '../../shared/engineOptions';
import type { TimeStep } from '../../core/timeline';
import type { Report } from '../../core/types';

export interface WindowSource {
  tick(): Promise<Report>;
  configure(partial: Partial<EngineOptions>): unknown;
  close(): void;
  /** No further sample comes by itself (the window stops its timer). */
  readonly ended: boolean;
  /** The tree a process's mappings are read from. */
  readonly root: string;
}

/** A recording: the window's keys move it in time; the next tick reports the sample it stands at. */
export interface RecordedSource extends WindowSource {
  step(step: TimeStep): void;
  /** Where it stands, for the status line. */
  moment(): string;
}
