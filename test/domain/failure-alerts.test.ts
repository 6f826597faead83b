import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALERT_MESSAGE_MAX,
  announcesFailure,
  deliveryFailedEvent,
  excerpt,
  reachesDisableThreshold,
  webhookDisabledEvent,
  webhookUrlLabel,
  type FailedDeliveryFacts,
} from '../../src/domain/failure-alerts.ts';
import { deliveryFailedEventId, isEventId, webhookDisabledEventId } from '../../src/domain/ids.ts';
import { buildEnvelope, renderBody, sampleEvent } from '../../src/domain/payload.ts';
import { EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../../src/domain/types.ts';
import { DELIVERY_FAILED_DATA_KEYS } from '../helpers/event-catalog.ts';

const NOW = new Date('2026-01-14T08:32:17.456Z');
const FACTS: FailedDeliveryFacts = {
  accountId: 'acc_1',
  webhook: { id: 'wh_1', url: 'https://user:pw@hooks.slack.com/services/T000/B000/XXXX?x=1', description: 'ops' },
  delivery: { id: 'dlv_abc', eventId: 'wh_evt_0123456789abcdef0123', eventType: 'endpoint.down', attempts: 7 },
  lastAttempt: { errorClass: 'http_status', responseCode: 503, message: 'Service Unavailable' },
  consecutiveFailed: 3,
};

describe('failure alerts', () => {
  it('event ids are derived from the delivery id: the same delivery always gives the same id, others differ', () => {
    const a = deliveryFailedEventId('dlv_abc');
    assert.ok(isEventId(a));
    assert.equal(deliveryFailedEventId('dlv_abc'), a);
    assert.notEqual(deliveryFailedEventId('dlv_abd'), a);
    assert.notEqual(webhookDisabledEventId('dlv_abc'), a);
    assert.ok(isEventId(webhookDisabledEventId('dlv_abc')));
  });

  it('failures of endpoint events are announced; failures of the webhook events themselves are not (no chain)', () => {
    for (const t of EVENT_TYPES) assert.equal(announcesFailure(t), !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t), t);
  });

  it('the threshold is off when null and reached at exactly N consecutive failures', () => {
    assert.equal(reachesDisableThreshold(null, 1000), false);
    assert.equal(reachesDisableThreshold(3, 2), false);
    assert.equal(reachesDisableThreshold(3, 3), true);
    assert.equal(reachesDisableThreshold(1, 1), true);
  });

  it("a webhook's URL is shown as its origin only: no credentials, path or query", () => {
    assert.equal(webhookUrlLabel(FACTS.webhook.url), 'https://hooks.slack.com');
    assert.equal(webhookUrlLabel('http://127.0.0.1:8080/a/b'), 'http://127.0.0.1:8080');
    assert.equal(webhookUrlLabel('not a url'), '(invalid URL)');
  });

  it('a message excerpt keeps at most 200 characters and never splits a surrogate pair', () => {
    assert.equal(excerpt(null), null);
    assert.equal(excerpt('short'), 'short');
    const long = '😀'.repeat(300);
    const cut = excerpt(long)!;
    assert.equal(Array.from(cut).length, ALERT_MESSAGE_MAX);
    assert.ok(cut.endsWith('…'));
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut), 'no lone high surrogate');
  });

  it('webhook.delivery.failed carries the webhook, the event, the attempts and the last error, at the given time', () => {
    const e = deliveryFailedEvent(FACTS, NOW);
    assert.equal(e.id, deliveryFailedEventId('dlv_abc'));
    assert.equal(e.type, 'webhook.delivery.failed');
    assert.equal(e.timestamp, '2026-01-14T08:32:17Z');
    assert.deepEqual(e.data, {
      webhook: { id: 'wh_1', url_label: 'https://hooks.slack.com', description: 'ops' },
      delivery_id: 'dlv_abc',
      event_id: 'wh_evt_0123456789abcdef0123',
      event_type: 'endpoint.down',
      attempts: 7,
      last_error: { class: 'http_status', code: 503, message: 'Service Unavailable' },
      consecutive_failed_deliveries: 3,
    });
    const none = deliveryFailedEvent({ ...FACTS, lastAttempt: null }, NOW);
    assert.deepEqual(none.type === 'webhook.delivery.failed' && none.data.last_error, { class: null, code: null, message: null });
  });

  it('webhook.disabled names the threshold and the delivery that reached it', () => {
    const e = webhookDisabledEvent(FACTS, 3, NOW);
    assert.equal(e.id, webhookDisabledEventId('dlv_abc'));
    assert.deepEqual(e.data, {
      webhook: { id: 'wh_1', url_label: 'https://hooks.slack.com', description: 'ops' },
      reason: 'failed_deliveries',
      consecutive_failed_deliveries: 3,
      disable_after_failed_deliveries: 3,
      delivery_id: 'dlv_abc',
    });
  });

  it('envelopes keep the documented key order, whatever order the stored data has', () => {
    const e = deliveryFailedEvent(FACTS, NOW);
    const shuffled = { ...e, data: Object.fromEntries(Object.entries(e.data).reverse()) } as typeof e;
    const body = JSON.parse(renderBody(buildEnvelope(shuffled, 'wh_2'), 'vantastatus'));
    assert.deepEqual(Object.keys(body), ['id', 'event', 'timestamp', 'webhook_id', 'account_id', 'data']);
    assert.deepEqual(Object.keys(body.data), DELIVERY_FAILED_DATA_KEYS);
  });

  for (const type of WEBHOOK_EVENT_TYPES) {
    it(`a ${type} renders as a Slack message naming the webhook, and as a sample for test sends`, () => {
      const sample = sampleEvent(type, 'acc_1', NOW, { eventId: 'wh_evt_0123456789abcdef0123' });
      assert.equal(sample.type, type);
      const slack = JSON.parse(renderBody(buildEnvelope(sample, 'wh_2'), 'slack'));
      assert.equal(slack.blocks[0].type, 'header');
      assert.match(slack.blocks[0].text.text, /Webhook VantaStatus test webhook/);
      assert.match(slack.text, type === 'webhook.disabled' ? /DISABLED/ : /FAILED/);
    });
  }
});
