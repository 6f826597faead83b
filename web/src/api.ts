// The console's only way out: the public /v1 API of the origin that served it, with the operator's API key in the
// Authorization header. The key lives in this tab's sessionStorage; it never goes into a URL, and nothing logs it.

const KEY_STORAGE = 'vantastatus.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

export interface FieldIssue {
  path?: (string | number)[];
  field: string;
  message: string;
}

/** An error answer of the API ({"error": {code, message, details?}}), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The validation issues, each naming the field it is about (400 validation_error). */
  get fieldIssues(): FieldIssue[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter((d): d is FieldIssue => !!d && typeof d === 'object' && typeof (d as FieldIssue).field === 'string');
  }
}

let onUnauthorized: (() => void) | null = null;
/** Called once the API refuses the stored key (401): the app forgets it and asks for it again. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function request<T>(method: string, path: string, body?: unknown, key: string | null = storedKey()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'network_error', 'The API could not be reached. Is the VantaStatus process running?');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const err = new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `The API answered ${res.status}.`, e?.details);
    if (res.status === 401 && key === storedKey() && onUnauthorized) onUnauthorized();
    throw err;
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

/** Every page of a cursor-paginated list (bounded, so a runaway list cannot hang the page). */
export async function listAll<T>(path: string, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await api.get<Page<T>>(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.data);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

// ---- resource shapes (as the API answers them) ---------------------------------------------------------------

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type Status = 'unknown' | 'up' | 'degraded' | 'down';

export const EVENT_TYPES = [
  'endpoint.down',
  'endpoint.up',
  'endpoint.degraded',
  'endpoint.certificate.expiring',
  'endpoint.dns.changed',
  'endpoint.body.changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface Endpoint {
  id: string;
  name: string;
  type: 'http' | 'push';
  url: string | null;
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  expected_status: string[];
  check_interval_sec: number;
  timeout_ms: number;
  failure_threshold: number;
  degraded_threshold_ms: number;
  certificate_expiry_days: number[];
  track_dns: boolean;
  track_body: boolean;
  heartbeat_timeout_sec: number | null;
  paused: boolean;
  group_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface LiveStatus {
  endpoint_id: string;
  status: Status;
  paused: boolean;
  failure_count: number;
  first_failure: string | null;
  last_success: string | null;
  last_check_at: string | null;
  last_response_code: number | null;
  last_response_time_ms: number | null;
  last_error_class: string | null;
  next_check_at: string | null;
}

export interface StatusEntry {
  endpoint_id: string;
  live: LiveStatus | null;
  error: { code: string; message: string } | null;
}

export interface EndpointEvent {
  id: string;
  event: EventType;
  timestamp: string;
  data: {
    previous_status?: Status;
    current_status?: Status;
    last_response_code?: number | null;
    last_response_time_ms?: number | null;
    failure_count?: number;
    threshold_ms?: number;
    certificate?: { days_remaining: number; valid_to: string };
    dns?: { previous_addresses: string[]; current_addresses: string[] };
  };
}

export interface Settings {
  retry_schedule_sec: number[];
  expiry_sec: number;
  timeout_sec: number;
}

export interface Account {
  id: string;
  name: string;
  settings: Settings;
}

export interface Group {
  id: string;
  name: string;
  settings: Partial<Settings>;
  effective_settings: Settings;
}

export interface Webhook {
  id: string;
  url: string;
  events: EventType[];
  headers: Record<string, string>;
  enabled: boolean;
  format: 'vantastatus' | 'slack';
  description: string | null;
  group_id: string | null;
  secret_rotated_at: string | null;
  created_at: string;
  updated_at: string;
}

export type WebhookWithSecret = Webhook & { secret: string };

export type DeliveryState = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';

export interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: EventType;
  endpoint_id: string | null;
  sequence: number;
  state: DeliveryState;
  attempt_count: number;
  last_response_code: number | null;
  last_error_class: string | null;
  next_attempt_at: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface Attempt {
  attempt_number: number;
  started_at: string;
  duration_ms: number;
  response_code: number | null;
  response_excerpt: string | null;
  error_class: string | null;
  error_message: string | null;
  url: string;
}

export interface DeliveryDetail extends Delivery {
  settings: Settings;
  body: string;
  attempts: Attempt[];
}

export interface Meta {
  temporal_ui_url: string | null;
  temporal_namespace: string;
}
