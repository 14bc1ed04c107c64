// Options of `pmemstat metrics`: its own (--listen, --top, --web-config) and the sampling
// options of the `pmemstat` command, under the same names (src/cli/cliargs.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_METRICS_TOP, METRIC_GROUP_BYS, type MetricGroupBy } from '../core/metrics';
import { engineOptionsOfCli, parseCliArgs, UsageError, type CliOptions } from '../cli/cliargs';
import type { EngineOptions } from '../shared/engineOptions';
import { isLoopback, parseListen } from './server';

export const DEFAULT_LISTEN = '127.0.0.1:9649';
export const DEFAULT_METRICS_LOOP_SECS = 5;

export interface MetricsOptions {
  host: string;
  port: number;
  top: number;
  webConfig: string | null;
  grouping: MetricGroupBy;
  sampling: CliOptions;
  /** The engine's options of the command line (its CPU figures off: the exporter has none). */
  engine: EngineOptions;
  help: boolean;
}

export const METRICS_HELP = `usage: pmemstat metrics [--listen ADDR:PORT] [-g GROUPING] [--top N]
                        [--web-config FILE] [sampling options] [pids-or-names ...]

Serves the proportional memory of this machine's processes, grouped, to Prometheus at
/metrics. Samples are taken in the background every -l SECS (default ${DEFAULT_METRICS_LOOP_SECS}) within the
walk budget; a scrape never reads /proc, it gets the latest figures and their age.
It never kills or signals anything. docs/exporter.md lists the metrics.

options:
      --listen ADDR:PORT  where to listen (default ${DEFAULT_LISTEN}; [::1]:PORT for
                          IPv6; :PORT for every interface). Beyond the loopback,
                          --web-config with TLS and basic auth is required
      --top N             export the N groups with the most Pss; the rest are summed
                          into group="other" (default ${DEFAULT_METRICS_TOP})
      --web-config FILE   Prometheus's web configuration file (also
                          --web.config.file): tls_server_config (cert_file,
                          key_file, client_auth_type, client_ca_file, min_version)
                          and basic_auth_users (bcrypt hashes)
  -g, --groupby {${METRIC_GROUP_BYS.join(',')}}
                          the grouping (default exe; pid is refused: a series per
                          process is unbounded)
sampling options, as for pmemstat (pmemstat --help):
  -l SECS, -o, --walk-budget MS, --max-age S, --leak-samples N, --leak-growth-kb G,
  --root DIR, -L N, and the catalogue's names (--walk-budget-ms, --loop-seconds, ...)
`;

const REFUSED: readonly [keyof CliOptions, string][] = [
  ['json', '--json'],
  ['maps', '--maps'],
  ['leaks', '--leaks'],
];

/** Parse `pmemstat metrics` argv (after the word `metrics`). Throws UsageError. */
export function parseMetricsArgs(argv: readonly string[]): MetricsOptions {
  let listen = DEFAULT_LISTEN;
  let top = DEFAULT_METRICS_TOP;
  let webConfig: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(listen|top|web-config|web\.config\.file)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    let v = m[2];
    if (v === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`option --${m[1]}: expected a value`);
      v = argv[++i];
    }
    if (m[1] === 'listen') listen = v;
    else if (m[1] === 'top') {
      top = Number(v);
      if (!/^\d+$/.test(v) || top < 1 || top > 100_000) throw new UsageError(`option --top: expected a whole number from 1 to 100000: '${v}'`);
    } else webConfig = v;
  }
  const where = parseListen(listen);
  if (!where) throw new UsageError(`option --listen: expected ADDR:PORT, [IPV6]:PORT or :PORT: '${listen}'`);
  const sampling = parseCliArgs(rest);
  for (const [k, flag] of REFUSED) {
    if (sampling[k] !== null && sampling[k] !== false) throw new UsageError(`${flag} is not an option of pmemstat metrics`);
  }
  if (sampling.root !== '/' && !existsSync(join(sampling.root, 'proc'))) throw new UsageError(`--root ${sampling.root}: no proc/ directory there`);
  const g = sampling.groupBy;
  if (!(METRIC_GROUP_BYS as readonly string[]).includes(g)) {
    throw new UsageError(`-g ${g}: not with metrics (a series per process has no bound); choose from ${METRIC_GROUP_BYS.join(', ')}`);
  }
  // The exporter always loops: no -l (or -l 0, one report elsewhere) takes its default.
  if (sampling.loopSeconds === 0) sampling.loopSeconds = DEFAULT_METRICS_LOOP_SECS;
  const engine = { ...engineOptionsOfCli(sampling), showCpu: false, showOom: false };
  return { host: where.host, port: where.port, top, webConfig, grouping: g as MetricGroupBy, sampling, engine, help: sampling.help };
}

/** Why a listen address may not be used with this web configuration (null: it may). */
export function exposureProblem(host: string, tls: boolean, auth: boolean): string | null {
  if (isLoopback(host) || (tls && auth)) return null;
  const missing = [tls ? null : 'TLS (tls_server_config)', auth ? null : 'basic auth (basic_auth_users)'].filter((x) => x).join(' and ');
  return `refusing to listen on ${host} without ${missing}: beyond the loopback, pass --web-config FILE (Prometheus's web configuration file) with both`;
}
