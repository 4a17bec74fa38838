/** Intake's Prometheus metrics, made once per registry (a listener may be started again in one process). */
import client from "prom-client";

export function counter<L extends string>(
  registry: client.Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): client.Counter<L> {
  const known = registry.getSingleMetric(name);
  if (known) return known as client.Counter<L>;
  return new client.Counter({ name, help, labelNames, registers: [registry] });
}

export function histogram(registry: client.Registry, name: string, help: string): client.Histogram {
  const known = registry.getSingleMetric(name);
  if (known) return known as client.Histogram;
  return new client.Histogram({
    name,
    help,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
}
