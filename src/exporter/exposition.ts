// The metric families of src/core/metrics.ts in Prometheus's text format, by prom-client.
// A fresh registry per sample: a group that vanished is simply not in the next one.
import { Counter, Gauge, Registry } from 'prom-client';
import type { MetricFamily } from '../core/metrics';

export const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export async function renderFamilies(families: readonly MetricFamily[]): Promise<string> {
  const reg = new Registry();
  for (const f of families) {
    const labelNames = [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))];
    if (f.type === 'counter') {
      const c = new Counter({ name: f.name, help: f.help, labelNames, registers: [reg] });
      for (const s of f.samples) c.inc(s.labels, s.value);
    } else {
      const g = new Gauge({ name: f.name, help: f.help, labelNames, registers: [reg] });
      for (const s of f.samples) g.set(s.labels, s.value);
    }
  }
  return reg.metrics();
}
