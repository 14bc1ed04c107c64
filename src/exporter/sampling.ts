// The exporter's background sampling: every -l SECS one sample, rendered once into the text a
// scrape serves. It runs in a worker thread of its own, so a scrape arriving mid-sample is
// answered at once instead of waiting for the sample (whose reading is synchronous).
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { version } from '../../package.json';
import { buildInfoFamily, groupFamilies, oldestFigureTime, samplingFamilies, systemFamilies, type SamplingCounters } from '../core/metrics';
import { renderFamilies } from './exposition';
import { SAMPLING_ROLE } from './role';
import { monitorSource, type Frame, type SourceOptions } from './source';

export interface SamplingOptions extends SourceOptions {
  top: number;
}

/** One sample's rendering: the exposition text and when its oldest figure was read (ms epoch). */
export interface Rendered {
  body: string;
  oldest: number;
}

type FromWorker = { kind: 'rendered'; r: Rendered } | { kind: 'error'; message: string };

/** Counts samples and renders each one's metrics. */
export class Renderer {
  readonly counters: SamplingCounters = { samples: 0, sampleSeconds: 0, walks: 0, walkSeconds: 0, lastSampleSeconds: 0 };
  private readonly info = buildInfoFamily(version, process.version);

  constructor(private readonly top: number) {}

  async render(frame: Frame, seconds: number): Promise<Rendered> {
    const c = this.counters;
    c.samples++;
    c.sampleSeconds += seconds;
    c.lastSampleSeconds = seconds;
    c.walks += frame.walked;
    c.walkSeconds += frame.walkMs / 1000;
    const { report } = frame;
    const families = [
      ...groupFamilies({ report, grouping: frame.grouping, top: this.top, suspects: frame.suspects }),
      ...systemFamilies(report),
      ...samplingFamilies(c, report.leader.time),
      this.info,
    ];
    return { body: await renderFamilies(families), oldest: oldestFigureTime(report) };
  }
}

/** Sample every loopSeconds and hand each rendering to `done`; returns stop(). */
export function samplingLoop(o: SamplingOptions, done: (r: Rendered) => void, failed: (message: string) => void): () => void {
  const source = monitorSource(o);
  const renderer = new Renderer(o.top);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const loop = (): void => {
    const started = Date.now();
    const t0 = performance.now();
    source
      .tick()
      .then((frame) => renderer.render(frame, (performance.now() - t0) / 1000))
      .then(done, (e: unknown) => failed(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, Math.max(0, o.engine.loopSeconds * 1000 - (Date.now() - started)));
      });
  };
  loop();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    source.close();
  };
}

/** The worker's side: sample, post each rendering; end when the parent says so. */
export function serveSamplingWorker(): void {
  const port = parentPort;
  if (!port) return;
  const o = (workerData as { options: SamplingOptions }).options;
  const post = (m: FromWorker): void => port.postMessage(m);
  let rendered = false;
  const end = (): void => {
    stop();
    port.close(); // the thread ends: the parent stops (a first sample failed) or asked for it
  };
  const stop = samplingLoop(
    o,
    (r) => {
      rendered = true;
      post({ kind: 'rendered', r });
    },
    (message) => {
      post({ kind: 'error', message });
      if (!rendered) end(); // nothing was ever served: a later sample would fail the same way
    },
  );
  port.on('message', end);
}

export interface SamplingThread {
  stop(): Promise<void>;
}

/**
 * Start sampling: in a worker thread running `script` (the bundle) when there is one, else
 * (running from sources) on this thread. The worker's young generation is kept small: what a
 * sample allocates is short-lived, and a big nursery is only resident memory.
 */
export function startSampling(
  o: SamplingOptions,
  script: string | null,
  done: (r: Rendered) => void,
  failed: (message: string) => void,
  died: () => void = () => undefined,
): SamplingThread {
  if (!script) {
    const stop = samplingLoop(o, done, failed);
    return { stop: async () => stop() };
  }
  const w = new Worker(script, {
    workerData: { role: SAMPLING_ROLE, options: o },
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
    // The fds the sampler keeps are its to close (src/proc/readfile.ts), not the thread's.
    trackUnmanagedFds: false,
  });
  let stopping = false;
  w.on('message', (m: FromWorker) => (m.kind === 'rendered' ? done(m.r) : failed(m.message)));
  w.on('error', (e) => failed(`sampling thread: ${e.message}`));
  // Serving ever older figures would hide the failure: the exporter ends (systemd restarts it).
  w.on('exit', () => {
    if (!stopping) died();
  });
  return {
    stop: () =>
      new Promise<void>((res) => {
        stopping = true;
        const t = setTimeout(() => void w.terminate().then(() => res()), 3_000);
        w.once('exit', () => {
          clearTimeout(t);
          res();
        });
        w.postMessage('stop');
      }),
  };
}
