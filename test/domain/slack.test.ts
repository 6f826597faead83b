import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMrkdwn, formatSlack, SLACK_LIMITS, truncateText, type SlackBlock, type SlackMessage } from '../../src/domain/slack.ts';
import { buildEnvelope, sampleEvent } from '../../src/domain/payload.ts';
import {
  ENDPOINT_EVENT_TYPES as EVENT_TYPES,
  type EndpointEventType as EventType,
  type Envelope,
  type EventData,
} from '../../src/domain/types.ts';

const NOW = new Date('2025-01-14T08:32:17Z');
const EVENT_ID = 'wh_evt_9f82a1c4d7e6b5a40312';

function envelopeFor(type: EventType, data: Partial<EventData> = {}): Envelope {
  const event = sampleEvent(type, 'acc_vanta_prod_001', NOW, {
    eventId: EVENT_ID,
    endpointId: 'ep_msk_api_04',
    endpointName: 'MSK-API-PROD',
    url: 'https://api.example.ru/v2/health',
  });
  return buildEnvelope({ ...event, data: { ...event.data, ...data } }, 'wh_3b71f092');
}

const header = (m: SlackMessage) => {
  const block = m.blocks.find((b) => b.type === 'header');
  assert.ok(block && block.type === 'header');
  return block.text;
};
const sections = (m: SlackMessage) => m.blocks.filter((b): b is Extract<SlackBlock, { type: 'section' }> => b.type === 'section');
const fieldTexts = (m: SlackMessage) => sections(m).flatMap((s) => (s.fields ?? []).map((f) => f.text));
const allMrkdwn = (m: SlackMessage) => [
  ...sections(m).flatMap((s) => [...(s.text ? [s.text.text] : []), ...(s.fields ?? []).map((f) => f.text)]),
  ...m.blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : [])),
  m.text,
];

describe('formatSlack content', () => {
  it('renders the customer example: header, URL field and "502 Bad Gateway (3 failures)"', () => {
    const message = formatSlack(envelopeFor('endpoint.down', { failure_count: 3, last_response_code: 502 }));
    assert.deepEqual(header(message), { type: 'plain_text', text: '🔴 MSK-API-PROD is DOWN', emoji: true });
    const fields = fieldTexts(message);
    assert.equal(fields[0], '*URL:*\nhttps://api.example.ru/v2/health');
    assert.equal(fields[1], '*Status:*\n502 Bad Gateway (3 failures)');
  });

  it('says "1 failure" in the singular and "No response" when there was none', () => {
    const message = formatSlack(envelopeFor('endpoint.down', { failure_count: 1, last_response_code: null }));
    assert.equal(fieldTexts(message)[1], '*Status:*\nNo response (1 failure)');
  });

  const headers: Array<[EventType, Partial<EventData>, string]> = [
    ['endpoint.down', {}, '🔴 MSK-API-PROD is DOWN'],
    ['endpoint.up', {}, '🟢 MSK-API-PROD is UP'],
    ['endpoint.degraded', {}, '🟠 MSK-API-PROD is DEGRADED'],
    ['endpoint.dns.changed', {}, '🌐 MSK-API-PROD DNS changed'],
    ['endpoint.body.changed', {}, '📝 MSK-API-PROD content changed'],
  ];
  for (const [type, data, text] of headers) {
    it(`${type} has the header "${text}"`, () => {
      assert.equal(header(formatSlack(envelopeFor(type, data))).text, text);
    });
  }

  const certCases: Array<[number, string]> = [
    [13, '🔐 MSK-API-PROD certificate expires in 13 days'],
    [7, '⚠️ MSK-API-PROD certificate expires in 7 days'],
    [1, '⚠️ MSK-API-PROD certificate expires in 1 day'],
    [0, '⚠️ MSK-API-PROD certificate expires TODAY'],
    [-2, '⚠️ MSK-API-PROD certificate has EXPIRED'],
  ];
  for (const [days, text] of certCases) {
    it(`a certificate with ${days} days left has the header "${text}"`, () => {
      const base = envelopeFor('endpoint.certificate.expiring');
      const message = formatSlack({
        ...base,
        data: { ...base.data, certificate: { ...base.data.certificate!, days_remaining: days } },
      });
      assert.equal(header(message).text, text);
    });
  }

  it('endpoint.up names the status it recovered from', () => {
    const message = formatSlack(envelopeFor('endpoint.up', { previous_status: 'degraded' }));
    assert.ok(fieldTexts(message).includes('*State:*\nDEGRADED → UP'));
  });

  it('endpoint.degraded shows the response time against the threshold', () => {
    const message = formatSlack(
      envelopeFor('endpoint.degraded', { last_response_code: 200, last_response_time_ms: 3412, threshold_ms: 2000 }),
    );
    assert.ok(fieldTexts(message).includes('*Status:*\n200 OK, 3412 ms (threshold 2000 ms)'));
  });

  it('endpoint.dns.changed lists previous and current addresses', () => {
    const message = formatSlack(
      envelopeFor('endpoint.dns.changed', { dns: { previous_addresses: ['1.1.1.1'], current_addresses: ['2.2.2.2', '::1'] } }),
    );
    const fields = fieldTexts(message);
    assert.ok(fields.includes('*Previous addresses:*\n1.1.1.1'));
    assert.ok(fields.includes('*Current addresses:*\n2.2.2.2, ::1'));
  });

  it('endpoint.body.changed shows both hashes', () => {
    const message = formatSlack(envelopeFor('endpoint.body.changed', { body: { previous_sha256: 'aaa', current_sha256: 'bbb' } }));
    const fields = fieldTexts(message);
    assert.ok(fields.includes('*Previous body SHA-256:*\naaa'));
    assert.ok(fields.includes('*Current body SHA-256:*\nbbb'));
  });

  it('endpoint.down shows the failure message as its reason, and no reason without one', () => {
    const reason = (message: string | null) =>
      fieldTexts(formatSlack(envelopeFor('endpoint.down', { message }))).filter((f) => f.startsWith('*Reason:*'));
    assert.deepEqual(reason('assertion 1 failed: body contains "OK" (not found)'), [
      '*Reason:*\nassertion 1 failed: body contains "OK" (not found)',
    ]);
    assert.deepEqual(reason(null), []);
  });

  it('shows the group when there is one and leaves it out otherwise', () => {
    assert.ok(fieldTexts(formatSlack(envelopeFor('endpoint.down', { group: 'production' }))).includes('*Group:*\nproduction'));
    assert.ok(!fieldTexts(formatSlack(envelopeFor('endpoint.down', { group: null }))).some((f) => f.startsWith('*Group:*')));
  });

  it('a push endpoint without URL still renders a URL field', () => {
    assert.equal(fieldTexts(formatSlack(envelopeFor('endpoint.down', { url: null })))[0], '*URL:*\n(push endpoint)');
  });

  it('the context line carries the event type, id and time', () => {
    const context = formatSlack(envelopeFor('endpoint.down')).blocks.find((b) => b.type === 'context');
    assert.ok(context && context.type === 'context');
    assert.equal(context.elements[0]!.text, `endpoint.down · ${EVENT_ID} · 2025-01-14T08:32:17Z`);
  });

  for (const type of EVENT_TYPES) {
    it(`${type} has a non-empty fallback text that starts like the header`, () => {
      const message = formatSlack(envelopeFor(type));
      assert.ok(message.text.startsWith(header(message).text));
    });
  }
});

describe('formatSlack escaping', () => {
  it('escapes &, < and > in user-provided strings everywhere mrkdwn is used', () => {
    const message = formatSlack(
      envelopeFor('endpoint.down', {
        endpoint_name: 'A&B <!channel>',
        url: 'https://x.example/?a=1&b=<2>',
        group: '<@U123>',
      }),
    );
    for (const text of allMrkdwn(message)) {
      assert.doesNotMatch(text, /<|>|&(?!amp;|lt;|gt;)/, `unescaped control character in ${JSON.stringify(text)}`);
    }
    assert.ok(fieldTexts(message).includes('*URL:*\nhttps://x.example/?a=1&amp;b=&lt;2&gt;'));
    assert.ok(fieldTexts(message).includes('*Group:*\n&lt;@U123&gt;'));
    assert.match(message.text, /A&amp;B &lt;!channel&gt;/);
  });

  it('leaves the plain_text header literal', () => {
    assert.equal(header(formatSlack(envelopeFor('endpoint.down', { endpoint_name: 'A&B' }))).text, '🔴 A&B is DOWN');
  });

  it('escapeMrkdwn replaces exactly &, < and >', () => {
    assert.equal(escapeMrkdwn('a & b < c > d *e*'), 'a &amp; b &lt; c &gt; d *e*');
  });
});

describe('formatSlack limits', () => {
  const longName = 'N'.repeat(400);
  const longUrl = `https://example.com/${'p'.repeat(5000)}`;

  for (const type of EVENT_TYPES) {
    it(`${type} with a very long name, URL and values stays within Slack limits`, () => {
      const message = formatSlack(
        envelopeFor(type, {
          endpoint_name: longName,
          url: longUrl,
          group: 'g'.repeat(3000),
          dns: { previous_addresses: Array(500).fill('2001:db8::1'), current_addresses: Array(500).fill('203.0.113.1') },
        }),
      );
      const head = header(message).text;
      assert.ok(head.length <= SLACK_LIMITS.headerText, `header is ${head.length} chars`);
      assert.ok(head.includes('…'));
      for (const section of sections(message)) {
        if (section.text) assert.ok(section.text.text.length <= SLACK_LIMITS.sectionText);
        assert.ok((section.fields ?? []).length <= SLACK_LIMITS.fieldsPerSection);
        for (const f of section.fields ?? []) assert.ok(f.text.length <= SLACK_LIMITS.fieldText, `field is ${f.text.length}`);
      }
      assert.ok(message.text.length <= SLACK_LIMITS.fallbackText);
    });
  }

  it('keeps the verdict when the name is cut', () => {
    const text = header(formatSlack(envelopeFor('endpoint.down', { endpoint_name: longName }))).text;
    assert.ok(text.startsWith('🔴 NNN'));
    assert.ok(text.endsWith('… is DOWN'));
    assert.equal(text.length, SLACK_LIMITS.headerText);
  });

  it('cuts a long URL with an ellipsis', () => {
    const url = fieldTexts(formatSlack(envelopeFor('endpoint.down', { url: longUrl })))[0]!;
    assert.equal(url.length, SLACK_LIMITS.fieldText);
    assert.ok(url.startsWith('*URL:*\nhttps://example.com/ppp'));
    assert.ok(url.endsWith('…'));
  });

  it('never cuts an escape sequence in half', () => {
    const url = fieldTexts(formatSlack(envelopeFor('endpoint.down', { url: '&'.repeat(3000) })))[0]!;
    assert.ok(url.length <= SLACK_LIMITS.fieldText);
    assert.match(url, /^\*URL:\*\n(&amp;)+…$/);
  });

  it('truncateText never splits an emoji surrogate pair', () => {
    const out = truncateText('😀'.repeat(10), 6);
    assert.equal(out, '😀😀…');
    assert.ok(!/[\uD800-\uDBFF]…$/.test(out));
  });

  it('truncateText leaves short text alone', () => {
    assert.equal(truncateText('short', 150), 'short');
  });
});
