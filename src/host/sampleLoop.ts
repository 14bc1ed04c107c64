// The sampling loop: one sample at a time, every loopSeconds while the panel is visible,
// a restart delay while the helper is down. Nothing here knows what a sample is for.
import type { Report } from '../core/types';
import { RESTART_DELAY_MS, type HelperSession } from './helperSession';
import { errorText, type Log } from './log';

export interface LoopHost {
  session: HelperSession;
  log: Log;
  /** Whether to sample at all (a visible panel, not disposed). */
  active(): boolean;
  intervalMs(): number;
  /** The grouping to expect when the helper was not configured yet. */
  /** A sample from the current helper (it carries its grouping). */
  sampled(report: Report): void;
}

export class SampleLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly host: LoopHost) {}

  /** Whether a sample is being taken. */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Sample after `delayMs` (instead of when it was due). */
  schedule(delayMs: number): void {
    this.stop();
    if (!this.host.active()) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  /** No timed sample until the next schedule. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Take one sample now (joining one under way). */
  tick(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.sampleOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async sampleOnce(): Promise<void> {
    this.stop();
    if (!this.host.active()) return;
    const { session } = this.host;
    const started = Date.now();
    const client = await session.ensure();
    if (client && this.host.active()) {
      try {
        const report = await client.sample();
        if (client === session.client) this.host.sampled(report);
      } catch (e) {
        if (client === session.client) this.host.log.warn(`sample failed: ${errorText(e)}`);
      }
    }
    if (session.client) this.schedule(Math.max(0, this.host.intervalMs() - (Date.now() - started)));
    else if (session.retrying) this.schedule(RESTART_DELAY_MS);
  }
}
