// Custom payload templates (`format: template`, docs/BEHAVIOUR.md, "Custom templates"). Mustache's parser (the
// `mustache` package: logic-less, spec-compliant tags, delimiters and standalone lines) turns the template into
// tokens; the renderer below walks them over a plain-data view of the envelope. Rendering here rather than with
// mustache's own writer is what makes it safe and bounded: names resolve to own properties only (no `constructor`,
// `__proto__` or any prototype member), nothing is ever called (the view holds data only, no lambdas), partials are
// refused, and every step and every output character is counted against a budget.
import Mustache from 'mustache';
import { EVENT_TYPES, type Envelope, type WebhookEnvelope } from './types.ts';
import { buildEnvelope, canonicalEventData, sampleEvent } from './payload.ts';
import { describeWebhookEvent, headline, summary } from './slack.ts';

export const TEMPLATE_LIMITS = {
  /** the template's source, in characters */
  templateChars: 16 * 1024,
  /** the rendered body, in UTF-8 bytes */
  outputBytes: 256 * 1024,
  /** tokens visited plus section iterations: bounds the time whatever the output */
  steps: 100_000,
  /** sections inside sections */
  depth: 32,
  /** items of a list in the view (the DNS address lists) */
  listItems: 100,
} as const;

export const DEFAULT_CONTENT_TYPE = 'application/json';

/** A template that cannot be used: the message is meant for the API's 400 and the delivery log. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** `application/json` or any `…/…+json`, parameters ignored: the body is JSON, values are JSON-escaped. */
export function isJsonContentType(contentType: string): boolean {
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  return media === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(media);
}

// [type, value, start, end, children?, closeIndex?]: mustache's token layout
type Token = [string, string, number, number, Token[]?, number?];

/** Parses (and checks) a template: Mustache's syntax errors, size, nesting and partials become a TemplateError. */
export function parseTemplate(source: string): Token[] {
  if (source.length > TEMPLATE_LIMITS.templateChars) {
    throw new TemplateError(`must be at most ${TEMPLATE_LIMITS.templateChars} characters`);
  }
  let tokens: Token[];
  try {
    // A writer of its own: Mustache.parse would keep every template ever seen in the module's global cache.
    tokens = new Mustache.Writer().parse(source) as Token[];
  } catch (err) {
    throw new TemplateError(`does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  checkTokens(tokens, 1);
  return tokens;
}

function checkTokens(tokens: Token[], depth: number): void {
  for (const token of tokens) {
    if (token[0] === '>') throw new TemplateError(`partials are not supported ({{> ${token[1]}}} at ${token[2]})`);
    const children = token[4];
    if (children === undefined) continue;
    if (depth > TEMPLATE_LIMITS.depth) throw new TemplateError(`sections may be nested at most ${TEMPLATE_LIMITS.depth} deep`);
    checkTokens(children, depth + 1);
  }
}

/** The view's values: plain data only, objects without a prototype. */
type ViewValue = string | number | boolean | null | ViewValue[] | { [key: string]: ViewValue };

function plainView(value: unknown): ViewValue {
  if (Array.isArray(value)) return value.slice(0, TEMPLATE_LIMITS.listItems).map(plainView);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as { [key: string]: ViewValue };
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = plainView(v);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

export type AnyEnvelope = Envelope | WebhookEnvelope;

const SEVERITY: Record<AnyEnvelope['event'], 'critical' | 'warning' | 'info'> = {
  'webhook.delivery.failed': 'warning',
  'webhook.disabled': 'warning',
  'endpoint.down': 'critical',
  'endpoint.degraded': 'warning',
  'endpoint.certificate.expiring': 'warning',
  'endpoint.up': 'info',
  'endpoint.dns.changed': 'info',
  'endpoint.body.changed': 'info',
};

/**
 * What a template sees: the envelope (`id`, `event`, `timestamp`, `webhook_id`, `account_id`, `data`) plus a few
 * ready-made values, so the usual targets need no logic: `title` ("MSK-API-PROD is DOWN"), `emoji`, `summary`
 * (the Slack message's sentence), `severity` (critical, warning or info) and one flag per event type (`is_down`,
 * `is_up`, `is_degraded`, `is_certificate_expiring`, `is_dns_changed`, `is_body_changed`, `is_delivery_failed`,
 * `is_webhook_disabled`), and `is_endpoint_event` / `is_webhook_event` for the two families of `data`.
 */
function templateView(envelope: AnyEnvelope): ViewValue {
  const flags = {
    is_down: envelope.event === 'endpoint.down',
    is_up: envelope.event === 'endpoint.up',
    is_degraded: envelope.event === 'endpoint.degraded',
    is_certificate_expiring: envelope.event === 'endpoint.certificate.expiring',
    is_dns_changed: envelope.event === 'endpoint.dns.changed',
    is_body_changed: envelope.event === 'endpoint.body.changed',
    is_delivery_failed: envelope.event === 'webhook.delivery.failed',
    is_webhook_disabled: envelope.event === 'webhook.disabled',
    is_endpoint_event: !isWebhookEnvelope(envelope),
    is_webhook_event: isWebhookEnvelope(envelope),
  };
  if (isWebhookEnvelope(envelope)) {
    const { name, words, text } = describeWebhookEvent(envelope);
    return plainView({
      ...envelope,
      title: `Webhook ${name} ${words}`,
      emoji: '⚠️',
      summary: text,
      severity: SEVERITY[envelope.event],
      ...flags,
    });
  }
  const { emoji, words } = headline(envelope);
  const name = envelope.data.endpoint_name.trim() === '' ? envelope.data.endpoint_id : envelope.data.endpoint_name;
  return plainView({
    ...envelope,
    data: canonicalEventData(envelope.data),
    title: `${name} ${words}`,
    emoji,
    summary: summary(envelope),
    severity: SEVERITY[envelope.event],
    ...flags,
  });
}

const isWebhookEnvelope = (e: AnyEnvelope): e is WebhookEnvelope => e.event === 'webhook.delivery.failed' || e.event === 'webhook.disabled';

interface Frame {
  view: unknown;
  parent: Frame | null;
}

function own(holder: unknown, key: string): { hit: boolean; value: unknown } {
  if (holder !== null && typeof holder === 'object' && Object.hasOwn(holder, key)) {
    return { hit: true, value: (holder as Record<string, unknown>)[key] };
  }
  return { hit: false, value: undefined };
}

/** Mustache's name resolution (the first segment up the context stack, the rest inside it), own properties only. */
function lookup(frame: Frame, name: string): unknown {
  if (name === '.') return frame.view;
  const [first, ...rest] = name.split('.');
  for (let f: Frame | null = frame; f !== null; f = f.parent) {
    const found = own(f.view, first!);
    if (!found.hit) continue;
    let value = found.value;
    for (const segment of rest) {
      const next = own(value, segment);
      if (!next.hit) return undefined;
      value = next.value;
    }
    return value;
  }
  return undefined;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

class Renderer {
  private steps = 0;
  private chars = 0;
  private readonly out: string[] = [];

  constructor(private readonly json: boolean) {}

  private emit(text: string): void {
    this.chars += text.length;
    // UTF-16 units never outnumber UTF-8 bytes, so this stops early enough; the exact byte count is checked after.
    if (this.chars > TEMPLATE_LIMITS.outputBytes) {
      throw new TemplateError(`the rendered body exceeds ${TEMPLATE_LIMITS.outputBytes} bytes`);
    }
    this.out.push(text);
  }

  private step(): void {
    if (++this.steps > TEMPLATE_LIMITS.steps) {
      throw new TemplateError(`rendering takes more than ${TEMPLATE_LIMITS.steps} steps (sections over lists nested too deep?)`);
    }
  }

  /** `{{name}}`: the value's text; in a JSON body, JSON-string-escaped (to be placed inside quotes). */
  private escaped(value: unknown): string {
    const text = asText(value);
    return this.json ? JSON.stringify(text).slice(1, -1) : text;
  }

  /** `{{{name}}}` or `{{& name}}`: in a JSON body the value as a whole JSON value (null when missing). */
  private unescaped(value: unknown): string {
    return this.json ? JSON.stringify(value ?? null) : asText(value);
  }

  render(tokens: Token[], frame: Frame): void {
    for (const token of tokens) {
      this.step();
      const [type, text] = token;
      if (type === 'text') this.emit(text);
      else if (type === 'name') this.emit(this.escaped(lookup(frame, text)));
      else if (type === '&') this.emit(this.unescaped(lookup(frame, text)));
      else if (type === '#') this.section(token, frame);
      else if (type === '^') {
        const value = lookup(frame, text);
        if (!value || (Array.isArray(value) && value.length === 0)) this.render(token[4] ?? [], frame);
      }
      // comments ('!') and delimiter changes ('=') render nothing; partials were refused by parseTemplate
    }
  }

  private section(token: Token, frame: Frame): void {
    const value = lookup(frame, token[1]);
    const children = token[4] ?? [];
    if (!value) return;
    if (Array.isArray(value)) {
      for (const item of value) {
        this.step();
        this.render(children, { view: item, parent: frame });
      }
    } else if (value === true) this.render(children, frame);
    else this.render(children, { view: value, parent: frame });
  }

  result(): string {
    const body = this.out.join('');
    if (new TextEncoder().encode(body).length > TEMPLATE_LIMITS.outputBytes) {
      throw new TemplateError(`the rendered body exceeds ${TEMPLATE_LIMITS.outputBytes} bytes`);
    }
    return body;
  }
}

/**
 * The body of one (webhook, event) from a custom template. Throws TemplateError when the template does not parse,
 * a bound is reached, or a JSON content type's body does not parse as JSON.
 */
export function renderTemplate(source: string, envelope: AnyEnvelope, contentType: string): string {
  const json = isJsonContentType(contentType);
  const renderer = new Renderer(json);
  renderer.render(parseTemplate(source), { view: templateView(envelope), parent: null });
  const body = renderer.result();
  if (json) {
    try {
      JSON.parse(body);
    } catch (err) {
      throw new TemplateError(`the rendered body is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return body;
}

/**
 * Save-time check: the template parses and renders a valid body for every sample envelope given (the API passes
 * a sample of each event type, with and without the optional values). Answers null or the first problem.
 */
export function checkTemplate(source: string, contentType: string, samples: readonly AnyEnvelope[]): string | null {
  try {
    parseTemplate(source);
  } catch (err) {
    return err instanceof TemplateError ? err.message : String(err);
  }
  for (const sample of samples) {
    try {
      renderTemplate(source, sample, contentType);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      // the samples' full variants always carry a URL; the sparse ones (templateSamples) never do
      const sparse =
        'url' in sample.data && sample.data.url === null ? ' with its optional values null (no URL, group, response or message)' : '';
      return `${err.message}, for the sample ${sample.event} event${sparse}`;
    }
  }
  return null;
}

const SAMPLE_EVENT_ID = 'wh_evt_000000000000000000000000000000';

/**
 * The envelopes a template is checked against when it is saved: one sample of each event type as sent, and each
 * again with every optional value null (a push endpoint with no group, no response, no success yet, no message).
 */
export function templateSamples(accountId: string, webhookId: string, now: Date): AnyEnvelope[] {
  return EVENT_TYPES.flatMap((type): AnyEnvelope[] => {
    const full = buildEnvelope(sampleEvent(type, accountId, now, { eventId: SAMPLE_EVENT_ID }), webhookId);
    if (isWebhookEnvelope(full)) return [full];
    const sparse: Envelope = {
      ...full,
      data: {
        ...full.data,
        url: null,
        group: null,
        last_success: null,
        first_failure: null,
        last_response_code: null,
        last_response_time_ms: null,
        ...(full.data.message === undefined ? {} : { message: null }),
      },
    };
    return [full, sparse];
  });
}
