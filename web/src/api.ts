// The console's only way out: the public /v1 API of the origin that served it, with the operator's API key in the
// Authorization header. The key lives in this tab's sessionStorage; it never goes into a URL, and nothing logs it.
import type { paths } from './api-types.ts';

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
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
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

// ---- resource shapes: the server's own, generated from its OpenAPI document into api-types.ts ----------------

/** The JSON an operation answers with the given status. */
type Answer<P extends keyof paths, M extends 'get' | 'post' | 'patch', S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;
/** The JSON body an operation takes. */
type Body<P extends keyof paths, M extends 'post' | 'patch'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer T } };
}
  ? NonNullable<T>
  : never;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type Endpoint = Answer<'/v1/endpoints/{id}', 'get', 200>;
type LiveStatus = Answer<'/v1/endpoints/{id}/status', 'get', 200>;
export type Status = LiveStatus['status'];
export type BulkStatus = Answer<'/v1/endpoints/status', 'get', 200>;
export type StatusEntry = BulkStatus['data'][number];
export type BulkBody = Body<'/v1/endpoints/bulk', 'post'>;
export type BulkResult = Answer<'/v1/endpoints/bulk', 'post', 200>;
export type Account = Answer<'/v1/account', 'get', 200>;
export type Settings = Account['settings'];
export type Group = Answer<'/v1/groups/{id}', 'get', 200>;
export type ApiKey = Answer<'/v1/account/api-keys', 'get', 200>['data'][number];
export type ApiKeyWithSecret = Answer<'/v1/account/api-keys', 'post', 201>;
export type IncomingTokenRotated = Answer<'/v1/account/incoming-token/rotate', 'post', 200>;
export type Webhook = Answer<'/v1/webhooks/{id}', 'get', 200>;
/** What the webhook form sends: every field of a create but `enabled`. */
export type WebhookInput = Required<Omit<Body<'/v1/webhooks', 'post'>, 'enabled'>>;
export type WebhookWithSecret = Answer<'/v1/webhooks/{id}/rotate-secret', 'post', 200>;
export type DeliveryDetail = Answer<'/v1/deliveries/{id}', 'get', 200>;
export type Delivery = Answer<'/v1/webhooks/{id}/deliveries', 'get', 200>['data'][number];
export type DeliveryState = Delivery['state'];
export type EventType = Delivery['event_type'];
export type DeliveryStarted = Answer<'/v1/webhooks/{id}/test', 'post', 202>;
export type RedeliveryStarted = Answer<'/v1/deliveries/{id}/retry', 'post', 202>;
export type RecoverResult = Answer<'/v1/webhooks/{id}/recover', 'post', 202>;
export type Meta = Answer<'/v1/meta', 'get', 200>;
/** One entry of the event catalog: a type, its description and the JSON Schema of its data. */
export type EventTypeInfo = Answer<'/v1/event-types', 'get', 200>['data'][number];
/** A webhook event (a failed delivery, a webhook switched off); `data.webhook.id` names the webhook concerned. */
export type WebhookEvent = Omit<Answer<'/v1/webhook-events', 'get', 200>['data'][number], 'data'> & {
  data: { webhook?: { id: string; url_label: string; description: string | null } };
};

let catalog: Promise<EventTypeInfo[]> | null = null;
/** The event catalog, fetched once per page load (it changes only with the server's version); a failure is retried. */
export function eventTypes(): Promise<EventTypeInfo[]> {
  catalog ??= api.get<{ data: EventTypeInfo[] }>('/v1/event-types').then(
    (r) => r.data,
    (err: unknown) => {
      catalog = null;
      throw err;
    },
  );
  return catalog;
}
export type Uptime = Answer<'/v1/endpoints/{id}/uptime', 'get', 200>;
export type UptimeBucket = Uptime['buckets'][number];
export type UptimeSummary = Answer<'/v1/uptime', 'get', 200>;
export type MaintenanceWindow = Answer<'/v1/maintenance-windows/{id}', 'get', 200>;
/**
 * What the maintenance window form sends, on a create and (whole, the other kind's fields null) on an edit; a
 * duration that is not a number goes as typed, so the API names the field.
 */
export type MaintenanceWindowInput = Omit<Required<Body<'/v1/maintenance-windows', 'post'>>, 'duration_sec'> & {
  duration_sec: number | string | null;
};

/** Every event type, in the order the console lists them (checked against the server's list below). */
export const EVENT_TYPES = [
  'endpoint.down',
  'endpoint.up',
  'endpoint.degraded',
  'endpoint.certificate.expiring',
  'endpoint.dns.changed',
  'endpoint.body.changed',
  'webhook.delivery.failed',
  'webhook.disabled',
] as const satisfies readonly EventType[];
// a compile error here means the server has an event type this list lacks
const allEventTypes: Exclude<EventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true;
void allEventTypes;

/**
 * An endpoint's event. The API documents `data` as an open object (its fields depend on the event type); these
 * are the fields the console reads.
 */
export type EndpointEvent = Omit<Answer<'/v1/endpoints/{id}/events', 'get', 200>['data'][number], 'data'> & {
  data: {
    previous_status?: Status;
    current_status?: Status;
    last_response_code?: number | null;
    last_response_time_ms?: number | null;
    failure_count?: number;
    threshold_ms?: number;
    certificate?: { days_remaining: number; valid_to: string };
    dns?: { previous_addresses: string[]; current_addresses: string[] };
    /** endpoint.down: the failure that reached the threshold, e.g. the assertion that failed */
    message?: string | null;
  };
};

// ---- status pages (docs/BEHAVIOUR.md "Status pages") --------------------------------------------------------
export type StatusPage = Answer<'/v1/status-pages/{id}', 'get', 200>;
/** What the status page form sends, on a create and (whole) on an edit. */
export type StatusPageInput = Required<Omit<Body<'/v1/status-pages', 'post'>, 'items'>> & {
  items: Array<Omit<Body<'/v1/status-pages', 'post'>['items'][number], 'show_response_time'> & { show_response_time: boolean }>;
};
export type Announcement = Answer<'/v1/status-pages/{id}/announcements', 'post', 201>;
export type AnnouncementStatus = Announcement['status'];
