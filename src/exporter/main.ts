// `pmemstat metrics`: a Prometheus exporter of proportional memory (docs/exporter.md).
// One background loop samples every -l SECS within the walk budget and renders the exposition
// once; a scrape is served that rendering plus the age of its oldest figure, nothing more.
import { version } from '../../package.json';
import { ageFamily, buildInfoFamily, groupFamilies, oldestFigureTime, samplingFamilies, systemFamilies, type SamplingCounters } from '../core/metrics';
import { UsageError } from '../sampler/cliargs';
import { exposureProblem, METRICS_HELP, parseMetricsArgs, type MetricsOptions } from './args';
import { CONTENT_TYPE, renderFamilies } from './exposition';
import { metricsServer, type Scrape } from './server';
import { samplerSource, type Frame, type ReportSource } from './source';
import { readWebConfig, WebConfigError, type WebConfig } from './webconfig';

export interface MetricsIO {
  out(s: string): void;
  err(s: string): void;
}

const stdio: MetricsIO = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

/** The rendering of the latest sample, and what a scrape adds to it. */
export class Exposition {
  private rendered: { body: Buffer; oldest: number } | null = null;
  readonly counters: SamplingCounters = { samples: 0, sampleSeconds: 0, walks: 0, lastSampleSeconds: 0 };
  private readonly info = buildInfoFamily(version, process.version);

  constructor(private readonly top: number) {}

  /** Take in one sample: count it and render its metrics once. */
  async update(frame: Frame, seconds: number): Promise<void> {
    const c = this.counters;
    c.samples++;
    c.sampleSeconds += seconds;
    c.lastSampleSeconds = seconds;
    c.walks += frame.walked;
    const { report } = frame;
    const families = [
      ...groupFamilies({ report, grouping: frame.grouping, top: this.top, suspects: frame.suspects }),
      ...systemFamilies(report),
      ...samplingFamilies(c, report.leader.time),
      this.info,
    ];
    const body = Buffer.from(await renderFamilies(families));
    this.rendered = { body, oldest: oldestFigureTime(report) };
  }

  /** What a scrape at `now` gets (null before the first sample). */
  async scrape(now: number): Promise<Scrape | null> {
    const r = this.rendered;
    if (!r) return null;
    const age = Buffer.from(await renderFamilies([ageFamily(r.oldest, now)]));
    return { contentType: CONTENT_TYPE, body: [r.body, age] };
  }
}

function sourceFor(o: MetricsOptions): ReportSource {
  const s = o.sampling;
  return samplerSource({
    root: s.root,
    grouping: o.grouping,
    loopSecs: s.loopSecs,
    detail: s.detail,
    walkBudgetMs: s.walkBudgetMs,
    maxAgeSeconds: s.maxAgeSeconds,
    filter: s.filter,
    leakSamples: s.leakSamples,
    leakGrowthKb: s.leakGrowthKb,
  });
}

/** Run the exporter until SIGTERM/SIGINT (or `stop` resolves). Exit status as the CLI's: 0, 2 bad options, 3 error. */
export async function runMetrics(argv: readonly string[], io: MetricsIO = stdio, stop?: Promise<void>): Promise<number> {
  let o: MetricsOptions;
  let web: WebConfig = { tls: null, users: new Map() };
  try {
    o = parseMetricsArgs(argv);
    if (o.help) {
      io.out(METRICS_HELP.trimEnd());
      return 0;
    }
    if (o.webConfig !== null) web = readWebConfig(o.webConfig);
    const problem = exposureProblem(o.host, web.tls !== null, web.users.size > 0);
    if (problem) throw new UsageError(problem);
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof WebConfigError)) throw e;
    io.err(`pmemstat metrics: error: ${e instanceof WebConfigError ? `--web-config ${e.message}` : e.message}`);
    return 2;
  }

  const source = sourceFor(o);
  const expo = new Exposition(o.top);
  const tick = async (): Promise<void> => {
    const t0 = performance.now();
    const frame = await source.tick();
    await expo.update(frame, (performance.now() - t0) / 1000);
  };
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const loop = (): void => {
    const started = Date.now();
    tick()
      .catch((e: unknown) => io.err(`pmemstat metrics: sample failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, Math.max(0, o.sampling.loopSecs * 1000 - (Date.now() - started)));
      });
  };
  try {
    await tick(); // the first sample before listening: a scrape never finds nothing
  } catch (e) {
    source.close();
    throw e;
  }
  const server = metricsServer(web, () => expo.scrape(Date.now()));
  const listening = await new Promise<Error | null>((res) => {
    server.once('error', res);
    server.listen(o.port, o.host, () => res(null));
  });
  if (listening) {
    source.close();
    io.err(`pmemstat metrics: error: cannot listen on ${o.host}:${o.port}: ${(listening as NodeJS.ErrnoException).code ?? listening.message}`);
    return 3;
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  io.out(`pmemstat metrics: serving ${web.tls ? 'https' : 'http'}://${host}:${port}/metrics${web.users.size > 0 ? ' (basic auth)' : ''}, sampling every ${o.sampling.loopSecs}s`);
  timer = setTimeout(loop, o.sampling.loopSecs * 1000);
  await new Promise<void>((res) => {
    process.once('SIGTERM', res);
    process.once('SIGINT', res);
    stop?.then(res, res);
  });
  stopped = true;
  if (timer) clearTimeout(timer);
  server.close();
  server.closeAllConnections();
  source.close();
  return 0;
}
