// One active HTTP check (docs/BEHAVIOUR.md, "Statuses and events") as a CheckResult. Deciding up/down/degraded is the state machine's job;
// this only reports what happened on the wire.
import type { CheckResult } from '../domain/types.ts';
import { assertionsNeedBody, evaluateAssertions, type Assertion } from '../domain/assertions.ts';
import { matchesExpectedStatus } from '../domain/expected-status.ts';
import { guardedRequest, type GuardedTlsOptions } from './guarded-request.ts';
import type { Resolver } from './resolver.ts';

const CHECK_MAX_BODY_BYTES = 1024 * 1024;
const CHECK_EXCERPT_BYTES = 4096;
const DEFAULT_USER_AGENT = 'VantaStatus-Monitor';

export interface HttpCheckConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** entries like "200" or "200-399" */
  expected_status: string[];
  timeout_ms: number;
  /** content assertions (docs/BEHAVIOUR.md, "Content assertions"), checked when the status was expected */
  assertions?: Assertion[];
}

export interface HttpCheckOptions {
  allowPrivate: boolean;
  resolver?: Resolver;
  /** Extra trusted CA certificates (PEM), added to the default trust store. */
  ca?: GuardedTlsOptions['ca'];
  now: () => Date;
  signal?: AbortSignal;
}

export async function runHttpCheck(config: HttpCheckConfig, opts: HttpCheckOptions): Promise<CheckResult> {
  const checkedAt = opts.now();
  const hasUserAgent = Object.keys(config.headers).some((k) => k.toLowerCase() === 'user-agent');
  const res = await guardedRequest({
    url: config.url,
    method: config.method,
    headers: hasUserAgent ? config.headers : { ...config.headers, 'User-Agent': DEFAULT_USER_AGENT },
    deadlineMs: config.timeout_ms,
    allowPrivate: opts.allowPrivate,
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(opts.ca !== undefined ? { ca: opts.ca } : {}) },
    maxBodyBytes: CHECK_MAX_BODY_BYTES,
    excerptBytes: CHECK_EXCERPT_BYTES,
    // The body is read (and hashed) up to 1 MiB anyway; its bytes are kept only when an assertion reads them.
    keepBody: assertionsNeedBody(config.assertions),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });

  const code = res.statusCode;
  // A network error after the headers (e.g. the body timed out) still fails the check, but keeps the code.
  const statusUnexpected = res.errorClass === null && code !== null && !matchesExpectedStatus(code, config.expected_status);
  // Assertions look at a response that passed everything else: a network error or an unexpected status says more.
  const assertion =
    res.errorClass === null && code !== null && !statusUnexpected && config.assertions?.length
      ? evaluateAssertions(config.assertions, {
          response_time_ms: res.durationMs,
          headers: res.headers,
          body: res.body === null || config.method.toUpperCase() === 'HEAD' ? null : new TextDecoder().decode(res.body),
          body_truncated: res.bodyTruncated,
        })
      : { ok: true as const };
  const errorClass = res.errorClass ?? (statusUnexpected ? 'http_status' : !assertion.ok ? 'assertion' : null);
  const message =
    res.errorMessage ??
    (statusUnexpected
      ? `status ${code} is not in expected_status [${config.expected_status.join(', ')}]`
      : !assertion.ok
        ? assertion.message
        : null);

  return {
    source: 'active',
    checked_at: checkedAt.toISOString(),
    ok: errorClass === null && code !== null,
    response_code: code,
    response_time_ms: code === null ? null : res.durationMs,
    error_class: errorClass,
    message,
    body_sha256: res.bodySha256,
    addresses: res.addresses,
    certificate: res.certificate,
    forced_degraded: false,
    // Only when set, so every ordinary result keeps its shape.
    ...(res.configError ? { config_error: true } : {}),
  };
}
