// `pmemstat replay --from T [--to T]` on a terminal: the live window's view of a recording,
// one recorded sample at a time, moved by the window's time keys ([ ] { } < >).
import type { EngineOptions } from '../shared/engineOptions';
import { momentText, stepIndex, type TimeStep } from '../core/timeline';
import type { Report } from '../core/types';
import { localIso } from '../core/isotime';
import type { CliOptions } from '../cli/cliargs';
import type { RecordedSource } from '../cli/window/source';
import type { RecordingReader } from './reader';
import { replayReports } from './replayCommand';
import type { RecordedEvent } from './writer';

export class RecordingSource implements RecordedSource {
  private i = 0;
  private o: CliOptions;

  constructor(
    private readonly reader: RecordingReader,
    private readonly times: readonly number[],
    private readonly events: readonly RecordedEvent[],
    o: CliOptions,
  ) {
    if (times.length === 0) throw new Error('a replay needs at least one recorded sample');
    this.o = o;
  }

  /** Samples come by keys only. */
  readonly ended = true;
  /** No tree: a recording keeps no mappings (the window says so rather than read one). */
  readonly root = '';

  get at(): number {
    return this.times[this.i];
  }

  configure(partial: Partial<EngineOptions>): void {
    this.o = { ...this.o, ...partial };
  }

  step(step: TimeStep): void {
    this.i = stepIndex(this.times, this.events, this.i, step);
  }

  moment(): string {
    return momentText(this.times, this.events, this.i);
  }

  /**
   * The report of the sample it stands at, row types against the recorded sample before it (as
   * the live loop showed them), under the window's options now.
   */
  tick(): Promise<Report> {
    const t = this.at;
    try {
      return Promise.resolve(replayReports(this.reader, [t], this.o).next().value as Report);
    } catch (e) {
      return Promise.reject(new Error(`the recording is damaged at ${localIso(t)}: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  close(): void {
    // The recording is closed by whoever opened it (runReplay), after the window.
  }
}
