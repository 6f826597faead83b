// Slack Block Kit rendering of an envelope (`format: slack`, docs/BEHAVIOUR.md, "Events and payloads").
import type { EndpointEventType, EndpointStatus, Envelope, WebhookEnvelope } from './types.ts';
import { describeResponseCode } from './http-reason.ts';

/** Slack's documented limits (https://api.slack.com/reference/block-kit/blocks), applied conservatively. */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 2000,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextText: 2000,
  fallbackText: 3000,
} as const;

interface SlackPlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}
interface SlackMrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: SlackPlainText }
  | { type: 'section'; text?: SlackMrkdwn; fields?: SlackMrkdwn[] }
  | { type: 'context'; elements: SlackMrkdwn[] };
export interface SlackMessage {
  /** Notification / accessibility fallback; Slack shows it where blocks cannot be rendered. */
  text: string;
  blocks: SlackBlock[];
}

const ELLIPSIS = '…';

/**
 * Cuts `text` so its UTF-16 length (what Slack counts, and never less than the code-point count) is at most `max`,
 * never splitting a surrogate pair, ending with an ellipsis when it cut.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - ELLIPSIS.length) break;
    out += char;
  }
  return out + ELLIPSIS;
}

/** Slack treats &, < and > as control characters in mrkdwn (links, mentions); user strings must not inject them. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Escaping first and truncating after could cut an entity in half ("&am…"), so escape char by char within budget.
function escapeAndTruncate(raw: string, max: number): string {
  const full = escapeMrkdwn(raw);
  if (full.length <= max) return full;
  let out = '';
  for (const char of raw) {
    const piece = escapeMrkdwn(char);
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

function field(label: string, value: string): SlackMrkdwn {
  const prefix = `*${label}:*\n`;
  return { type: 'mrkdwn', text: prefix + escapeAndTruncate(value, SLACK_LIMITS.fieldText - prefix.length) };
}

const STATUS_WORD: Record<EndpointStatus, string> = {
  unknown: 'UNKNOWN',
  up: 'UP',
  degraded: 'DEGRADED',
  down: 'DOWN',
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function certificateHeadline(daysRemaining: number): { emoji: string; words: string } {
  if (daysRemaining < 0) return { emoji: '⚠️', words: 'certificate has EXPIRED' };
  if (daysRemaining === 0) return { emoji: '⚠️', words: 'certificate expires TODAY' };
  // A week or less is urgent enough to look different from the 30-day heads-up.
  return { emoji: daysRemaining <= 7 ? '⚠️' : '🔐', words: `certificate expires in ${plural(daysRemaining, 'day')}` };
}

/** The emoji and the words after the endpoint's name ("is DOWN"); also a template's `title` and `emoji`. */
export function headline(envelope: Envelope): { emoji: string; words: string } {
  const { data } = envelope;
  const byType: Record<EndpointEventType, () => { emoji: string; words: string }> = {
    'endpoint.down': () => ({ emoji: '🔴', words: 'is DOWN' }),
    'endpoint.up': () => ({ emoji: '🟢', words: 'is UP' }),
    'endpoint.degraded': () => ({ emoji: '🟠', words: 'is DEGRADED' }),
    'endpoint.certificate.expiring': () => certificateHeadline(data.certificate?.days_remaining ?? 0),
    'endpoint.dns.changed': () => ({ emoji: '🌐', words: 'DNS changed' }),
    'endpoint.body.changed': () => ({ emoji: '📝', words: 'content changed' }),
  };
  return byType[envelope.event]();
}

function statusLine(envelope: Envelope): string {
  const { data } = envelope;
  const response = describeResponseCode(data.last_response_code);
  const time = data.last_response_time_ms === null ? '' : `, ${data.last_response_time_ms} ms`;
  switch (envelope.event) {
    case 'endpoint.down':
      // The customer's example: "502 Bad Gateway (3 failures)"; the time is left out because a failing check's
      // timing is rarely meaningful.
      return `${response} (${plural(data.failure_count, 'failure')})`;
    case 'endpoint.degraded':
      return data.threshold_ms === undefined ? `${response}${time}` : `${response}${time} (threshold ${data.threshold_ms} ms)`;
    default:
      return `${response}${time}`;
  }
}

/** One sentence about the event; also a template's `summary`. */
export function summary(envelope: Envelope): string {
  const { data } = envelope;
  switch (envelope.event) {
    case 'endpoint.down':
      return `Failed ${plural(data.failure_count, 'consecutive check')}; first failure at ${data.first_failure ?? 'unknown'}.`;
    case 'endpoint.up':
      return `Recovered from ${STATUS_WORD[data.previous_status]}; last successful check at ${data.last_success ?? 'unknown'}.`;
    case 'endpoint.degraded':
      return data.last_response_time_ms !== null && data.threshold_ms !== undefined
        ? `Response time ${data.last_response_time_ms} ms is over the ${data.threshold_ms} ms threshold.`
        : 'The check reported a degraded response.';
    case 'endpoint.certificate.expiring':
      return data.certificate === undefined
        ? 'The TLS certificate is close to expiry.'
        : `The TLS certificate for ${data.certificate.subject} expires at ${data.certificate.valid_to}.`;
    case 'endpoint.dns.changed':
      return 'The addresses this host resolves to have changed.';
    case 'endpoint.body.changed':
      return 'The response body differs from the last known good response.';
  }
}

function fields(envelope: Envelope): SlackMrkdwn[] {
  const { data } = envelope;
  const isStatusEvent = envelope.event === 'endpoint.down' || envelope.event === 'endpoint.up' || envelope.event === 'endpoint.degraded';
  const list: SlackMrkdwn[] = [
    field('URL', data.url ?? '(push endpoint)'),
    field('Status', statusLine(envelope)),
    field(
      'State',
      isStatusEvent ? `${STATUS_WORD[data.previous_status]} → ${STATUS_WORD[data.current_status]}` : STATUS_WORD[data.current_status],
    ),
  ];
  if (data.group !== null) list.push(field('Group', data.group));
  if (envelope.event === 'endpoint.down') {
    list.push(field('First failure', data.first_failure ?? '—'), field('Last success', data.last_success ?? 'never'));
    if (data.message) list.push(field('Reason', data.message));
  }
  if (data.certificate !== undefined) {
    const c = data.certificate;
    list.push(
      field('Expires', c.valid_to),
      field('Days remaining', String(c.days_remaining)),
      field('Subject', c.subject),
      field('Issuer', c.issuer),
      field('Fingerprint (SHA-256)', c.fingerprint_sha256),
    );
  }
  if (data.dns !== undefined) {
    list.push(
      field('Previous addresses', data.dns.previous_addresses.join(', ') || '—'),
      field('Current addresses', data.dns.current_addresses.join(', ') || '—'),
    );
  }
  if (data.body !== undefined) {
    list.push(field('Previous body SHA-256', data.body.previous_sha256), field('Current body SHA-256', data.body.current_sha256));
  }
  return list.slice(0, SLACK_LIMITS.fieldsPerSection);
}

export function formatSlack(envelope: Envelope): SlackMessage {
  const { data } = envelope;
  const { emoji, words } = headline(envelope);
  const name = data.endpoint_name.trim() === '' ? data.endpoint_id : data.endpoint_name;
  // Shorten the name, not the verdict: "… is DOWN" must survive a 300-character endpoint name.
  const tail = ` ${words}`;
  const head = `${emoji} `;
  const headerText = truncateText(
    head + truncateText(name, SLACK_LIMITS.headerText - head.length - tail.length) + tail,
    SLACK_LIMITS.headerText,
  );

  const context = `${envelope.event} · ${envelope.id} · ${envelope.timestamp}`;
  const fallback = `${emoji} ${name} ${words} — ${data.url ?? data.endpoint_id} — ${statusLine(envelope)}`;

  return {
    text: escapeAndTruncate(fallback, SLACK_LIMITS.fallbackText),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headerText, emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: escapeAndTruncate(summary(envelope), SLACK_LIMITS.sectionText) } },
      { type: 'section', fields: fields(envelope) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeAndTruncate(context, SLACK_LIMITS.contextText) }] },
    ],
  };
}

/** A webhook event's words (docs/BEHAVIOUR.md, "Failure alerts"): the webhook's name, what happened, and why. */
export function describeWebhookEvent(envelope: WebhookEnvelope): { name: string; words: string; text: string } {
  const { webhook } = envelope.data;
  const name = webhook.description?.trim() ? webhook.description : `${webhook.id} (${webhook.url_label})`;
  if (envelope.event === 'webhook.delivery.failed') {
    const d = envelope.data;
    return {
      name,
      words: 'delivery FAILED',
      text: `A ${d.event_type} event (${d.event_id}) could not be delivered after ${plural(d.attempts, 'attempt')}.`,
    };
  }
  const d = envelope.data;
  return {
    name,
    words: 'was DISABLED',
    text: `Switched off after ${plural(d.consecutive_failed_deliveries, 'consecutive failed delivery')}; enable it again once the receiver works.`,
  };
}

/** A webhook event as a Slack message: which webhook, and why. */
export function formatSlackWebhookEvent(envelope: WebhookEnvelope): SlackMessage {
  const { webhook } = envelope.data;
  const { name, words, text } = describeWebhookEvent(envelope);
  const list: SlackMrkdwn[] = [field('Webhook', webhook.id), field('Receiver', webhook.url_label)];
  if (envelope.event === 'webhook.delivery.failed') {
    const d = envelope.data;
    const code = d.last_error.code === null ? '' : ` ${describeResponseCode(d.last_error.code)}`;
    list.push(field('Last error', `${d.last_error.class ?? 'error'}${code}`), field('Delivery', d.delivery_id));
    if (d.last_error.message) list.push(field('Message', d.last_error.message));
  } else {
    const d = envelope.data;
    list.push(field('Threshold', String(d.disable_after_failed_deliveries)), field('Delivery', d.delivery_id));
  }
  const headerText = truncateText(`⚠️ Webhook ${truncateText(name, SLACK_LIMITS.headerText - 40)} ${words}`, SLACK_LIMITS.headerText);
  const context = `${envelope.event} · ${envelope.id} · ${envelope.timestamp}`;
  return {
    text: escapeAndTruncate(`⚠️ Webhook ${name} ${words} — ${text}`, SLACK_LIMITS.fallbackText),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headerText, emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: escapeAndTruncate(text, SLACK_LIMITS.sectionText) } },
      { type: 'section', fields: list },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeAndTruncate(context, SLACK_LIMITS.contextText) }] },
    ],
  };
}
