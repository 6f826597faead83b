// Prometheus metrics. One instance per process, created at start-up and passed to the API and the activities,
// so tests can build their own and nothing reaches for a global.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** An outbound request's duration: checks and delivery attempts share the buckets (their deadlines are ≤ 30 s). */
function durationHistogram<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]) {
  return new Histogram<L>({ name, help, labelNames, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry] });
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'vanta_process_' });
  const m = {
    registry,
    checks: new Counter({
      name: 'vanta_checks_total',
      help: 'HTTP checks run, by outcome (ok, or the error class)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    checkDuration: durationHistogram(
      registry,
      'vanta_check_duration_seconds',
      'Total time of an HTTP check (DNS + connect + TLS + full body)',
      [],
    ),
    events: new Counter({
      name: 'vanta_events_total',
      help: 'Events stored, by type; status transitions carry from/to',
      labelNames: ['type', 'from', 'to'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'vanta_deliveries_total',
      help: 'Deliveries that reached a final state, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    attemptDuration: durationHistogram(registry, 'vanta_delivery_attempt_duration_seconds', 'Duration of one delivery attempt, by result', [
      'result',
    ]),
    httpRequests: new Counter({
      name: 'vanta_http_requests_total',
      help: 'API requests, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'vanta_http_request_duration_seconds',
      help: 'API request duration, by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
