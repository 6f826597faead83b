import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildEnvelope, canonicalEventData, renderBody, sampleEvent } from '../../src/domain/payload.ts';
import { ENDPOINT_EVENT_TYPES, type EndpointVantaEvent, type EventData } from '../../src/domain/types.ts';
import { isEventId } from '../../src/domain/ids.ts';

const EVENT_ID = 'wh_evt_9f82a1c4d7e6b5a40312';
const NOW = new Date('2025-01-14T08:32:17.456Z');

const DOC_EVENT: EndpointVantaEvent = {
  id: EVENT_ID,
  account_id: 'acc_vanta_prod_001',
  type: 'endpoint.down',
  timestamp: '2025-01-14T08:32:17Z',
  data: {
    endpoint_id: 'ep_msk_api_04',
    endpoint_name: 'MSK-API-PROD',
    url: 'https://api.example.ru/v2/health',
    previous_status: 'up',
    current_status: 'down',
    last_success: '2025-01-14T08:27:01Z',
    first_failure: '2025-01-14T08:32:17Z',
    failure_count: 3,
    last_response_code: 502,
    last_response_time_ms: null,
    check_interval_sec: 60,
    group: 'production',
  },
};

const BASE_KEYS = [
  'endpoint_id',
  'endpoint_name',
  'url',
  'previous_status',
  'current_status',
  'last_success',
  'first_failure',
  'failure_count',
  'last_response_code',
  'last_response_time_ms',
  'check_interval_sec',
  'group',
];

describe('buildEnvelope', () => {
  it('serialises to the customer document example, byte for byte in key order', () => {
    const expected =
      '{"id":"wh_evt_9f82a1c4d7e6b5a40312","event":"endpoint.down","timestamp":"2025-01-14T08:32:17Z",' +
      '"webhook_id":"wh_3b71f092","account_id":"acc_vanta_prod_001","data":{"endpoint_id":"ep_msk_api_04",' +
      '"endpoint_name":"MSK-API-PROD","url":"https://api.example.ru/v2/health","previous_status":"up",' +
      '"current_status":"down","last_success":"2025-01-14T08:27:01Z","first_failure":"2025-01-14T08:32:17Z",' +
      '"failure_count":3,"last_response_code":502,"last_response_time_ms":null,"check_interval_sec":60,' +
      '"group":"production"}}';
    assert.equal(JSON.stringify(buildEnvelope(DOC_EVENT, 'wh_3b71f092')), expected);
  });

  it('restores the documented data key order after a jsonb-style reshuffle', () => {
    const shuffled = Object.fromEntries(Object.entries({ ...DOC_EVENT.data, threshold_ms: 2000 }).reverse()) as unknown as EventData;
    const envelope = buildEnvelope({ ...DOC_EVENT, data: shuffled }, 'wh_1');
    assert.deepEqual(Object.keys(envelope), ['id', 'event', 'timestamp', 'webhook_id', 'account_id', 'data']);
    assert.deepEqual(Object.keys(envelope.data), [...BASE_KEYS, 'threshold_ms']);
  });

  it('keeps every extra field and their inner order', () => {
    const data: EventData = {
      ...DOC_EVENT.data,
      certificate: { fingerprint_sha256: 'ab', days_remaining: 3, valid_to: 'x', issuer: 'i', subject: 's' },
      dns: { current_addresses: ['2'], previous_addresses: ['1'] },
      body: { current_sha256: 'c', previous_sha256: 'p' },
    };
    const out = canonicalEventData(data);
    assert.deepEqual(Object.keys(out.certificate!), ['subject', 'issuer', 'valid_to', 'days_remaining', 'fingerprint_sha256']);
    assert.deepEqual(Object.keys(out.dns!), ['previous_addresses', 'current_addresses']);
    assert.deepEqual(Object.keys(out.body!), ['previous_sha256', 'current_sha256']);
    assert.deepEqual(out, data);
  });

  it('the same event gives the same id and data for every webhook', () => {
    const a = buildEnvelope(DOC_EVENT, 'wh_a');
    const b = buildEnvelope(DOC_EVENT, 'wh_b');
    assert.equal(a.id, b.id);
    assert.deepEqual(a.data, b.data);
    assert.notEqual(a.webhook_id, b.webhook_id);
  });
});

describe('renderBody', () => {
  it('vantastatus format is the JSON envelope', () => {
    const envelope = buildEnvelope(DOC_EVENT, 'wh_1');
    assert.equal(renderBody(envelope, 'vantastatus'), JSON.stringify(envelope));
  });

  it('slack format is a Block Kit message', () => {
    const body = JSON.parse(renderBody(buildEnvelope(DOC_EVENT, 'wh_1'), 'slack')) as { blocks: unknown[]; text: string };
    assert.ok(Array.isArray(body.blocks));
    assert.match(body.text, /MSK-API-PROD is DOWN/);
  });

  it('renders the same bytes every time', () => {
    const envelope = buildEnvelope(DOC_EVENT, 'wh_1');
    assert.equal(renderBody(envelope, 'slack'), renderBody(envelope, 'slack'));
  });
});

describe('sampleEvent', () => {
  const extras: Record<string, string[]> = {
    'endpoint.up': [],
    'endpoint.down': ['message'],
    'endpoint.degraded': ['threshold_ms'],
    'endpoint.certificate.expiring': ['certificate'],
    'endpoint.dns.changed': ['dns'],
    'endpoint.body.changed': ['body'],
  };

  for (const type of ENDPOINT_EVENT_TYPES) {
    it(`a sample ${type} has the given ids, the event time and every data field`, () => {
      const event = sampleEvent(type, 'acc_1', NOW, { eventId: EVENT_ID });
      assert.equal(event.type, type);
      assert.equal(event.id, EVENT_ID);
      assert.equal(event.account_id, 'acc_1');
      assert.equal(event.timestamp, '2025-01-14T08:32:17Z');
      assert.deepEqual(Object.keys(canonicalEventData(event.data)), [...BASE_KEYS, ...extras[type]!]);
      assert.deepEqual(Object.keys(event.data).sort(), [...BASE_KEYS, ...extras[type]!].sort());
    });
  }

  it('sample statuses are consistent with their event type', () => {
    const status = (type: (typeof ENDPOINT_EVENT_TYPES)[number]) => {
      const { data } = sampleEvent(type, 'acc_1', NOW, { eventId: EVENT_ID });
      return [data.previous_status, data.current_status];
    };
    assert.deepEqual(status('endpoint.down'), ['up', 'down']);
    assert.deepEqual(status('endpoint.up'), ['down', 'up']);
    assert.deepEqual(status('endpoint.degraded'), ['up', 'degraded']);
    assert.deepEqual(status('endpoint.dns.changed'), ['up', 'up']);
  });

  it('a sample down event has a streak that started before the event and after the last success', () => {
    const { data } = sampleEvent('endpoint.down', 'acc_1', NOW, { eventId: EVENT_ID });
    assert.ok(data.failure_count >= 1);
    assert.ok(Date.parse(data.last_success!) < Date.parse(data.first_failure!));
    assert.ok(Date.parse(data.first_failure!) <= NOW.getTime());
  });

  it('a sample certificate event is consistent: days_remaining matches valid_to', () => {
    const { data } = sampleEvent('endpoint.certificate.expiring', 'acc_1', NOW, { eventId: EVENT_ID });
    const days = Math.floor((Date.parse(data.certificate!.valid_to) - NOW.getTime()) / 86_400_000);
    assert.equal(data.certificate!.days_remaining, days);
  });

  it('uses the caller’s endpoint details when given', () => {
    const event = sampleEvent('endpoint.up', 'acc_1', NOW, {
      eventId: EVENT_ID,
      endpointId: 'ep_real',
      endpointName: 'Real API',
      url: 'https://real.example.com/',
      groupName: null,
    });
    assert.equal(event.data.endpoint_id, 'ep_real');
    assert.equal(event.data.endpoint_name, 'Real API');
    assert.equal(event.data.url, 'https://real.example.com/');
    assert.equal(event.data.group, null);
  });

  it('is deterministic for the same inputs', () => {
    assert.deepEqual(
      sampleEvent('endpoint.body.changed', 'acc_1', NOW, { eventId: EVENT_ID }),
      sampleEvent('endpoint.body.changed', 'acc_1', NOW, { eventId: EVENT_ID }),
    );
  });

  it('refuses an event id that is not wh_evt_ + hex', () => {
    assert.equal(isEventId('evt_1'), false);
    assert.throws(() => sampleEvent('endpoint.up', 'acc_1', NOW, { eventId: 'evt_1' }), TypeError);
  });
});
