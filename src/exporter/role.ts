// Which thread of the bundle this is: the exporter's sampling worker runs dist/sampler.js too.
// Kept apart from sampling.ts so that the helper and the CLI load none of the exporter's libraries.
import { isMainThread, workerData } from 'node:worker_threads';

export const SAMPLING_ROLE = 'pmemstat-metrics-sampling';

export function isSamplingWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === SAMPLING_ROLE;
}
