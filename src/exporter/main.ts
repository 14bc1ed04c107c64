// `pmemstat metrics`: a Prometheus exporter of proportional memory (docs/exporter.md).
// A sampling thread samples every -l SECS within the walk budget and renders the exposition
// once; a scrape is served that rendering plus the age of its oldest figure, nothing more.
import { existsSync } from 'node:fs';
import { ageFamily } from '../core/metrics';
import { UsageError } from '../cli/cliargs';
import { boundLoopHeap } from '../engine/heap';
import { exposureProblem, METRICS_HELP, parseMetricsArgs, type MetricsOptions } from './args';
import { CONTENT_TYPE, renderFamilies } from './exposition';
import { metricsServer, type Scrape } from './server';
import { startSampling, type Rendered, type SamplingOptions } from './sampling';
import { readWebConfig, WebConfigError, type WebConfig } from './webconfig';

export interface MetricsIO {
  out(s: string): void;
  err(s: string): void;
}

const stdio: MetricsIO = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

function samplingOptions(o: MetricsOptions): SamplingOptions {
  return { root: o.sampling.root, engine: o.engine, top: o.top };
}

/** The bundle this code runs from (it starts the sampling thread), or null when running from sources. */
function bundleScript(): string | null {
  return __filename.endsWith('.js') && existsSync(__filename) ? __filename : null;
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

  // A long-running process like the CLI loop: its heap sized to the live heap (src/engine/heap.ts), the sampling thread's too.
  if (io === stdio) boundLoopHeap();
  let latest: { body: Buffer; oldest: number } | null = null;
  let first: (() => void) | null = null;
  let end: ((code: number) => void) | null = null;
  const ended = new Promise<number>((res) => (end = res));
  const firstSample = new Promise<void>((res) => (first = res));
  const sampling = startSampling(
    samplingOptions(o),
    bundleScript(),
    (r: Rendered) => {
      latest = { body: Buffer.from(r.body), oldest: r.oldest };
      first?.();
    },
    (message) => io.err(`pmemstat metrics: sample failed: ${message}`),
    () => {
      io.err('pmemstat metrics: error: the sampling thread ended');
      end?.(3);
    },
  );
  const scrape = async (): Promise<Scrape | null> => {
    const r = latest;
    if (!r) return null;
    const age = Buffer.from(await renderFamilies([ageFamily(r.oldest, Date.now())]));
    return { contentType: CONTENT_TYPE, body: [r.body, age] };
  };
  // Listen only with something to serve.
  if ((await Promise.race([firstSample.then(() => 0), ended])) !== 0) return 3;
  const server = metricsServer(web, scrape);
  const listening = await new Promise<Error | null>((res) => {
    server.once('error', res);
    server.listen(o.port, o.host, () => res(null));
  });
  if (listening) {
    await sampling.stop();
    io.err(`pmemstat metrics: error: cannot listen on ${o.host}:${o.port}: ${(listening as NodeJS.ErrnoException).code ?? listening.message}`);
    return 3;
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  io.out(`pmemstat metrics: serving ${web.tls ? 'https' : 'http'}://${host}:${port}/metrics${web.users.size > 0 ? ' (basic auth)' : ''}, sampling every ${o.engine.loopSeconds}s`);
  const code = await new Promise<number>((res) => {
    process.once('SIGTERM', () => res(0));
    process.once('SIGINT', () => res(0));
    stop?.then(() => res(0), () => res(0));
    void ended.then(res);
  });
  server.close();
  server.closeAllConnections();
  await sampling.stop();
  return code;
}
