import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkTemplate,
  isJsonContentType,
  parseTemplate,
  renderTemplate,
  TEMPLATE_LIMITS,
  TemplateError,
  templateSamples,
} from '../../src/domain/template.ts';
import type { Envelope } from '../../src/domain/types.ts';

const NOW = new Date('2025-01-14T08:32:17Z');
const SAMPLES = templateSamples('acc_template_test', 'wh_template_test', NOW);
const DOWN = SAMPLES.find((s): s is Envelope => s.event === 'endpoint.down')!;
const JSON_TYPE = 'application/json';

function withName(envelope: Envelope, name: string): Envelope {
  return { ...envelope, data: { ...envelope.data, endpoint_name: name } };
}

describe('custom templates: rendering', () => {
  it('renders envelope fields and the ready-made values (title, emoji, summary, severity, flags)', () => {
    const body = renderTemplate(
      '{"t":"{{emoji}} {{title}}","s":"{{summary}}","sev":"{{severity}}","id":"{{id}}","down":{{{is_down}}},"up":{{{is_up}}}}',
      DOWN,
      JSON_TYPE,
    );
    assert.deepEqual(JSON.parse(body), {
      t: '🔴 VantaStatus test endpoint is DOWN',
      s: `Failed 3 consecutive checks; first failure at ${DOWN.data.first_failure}.`,
      sev: 'critical',
      id: DOWN.id,
      down: true,
      up: false,
    });
  });

  it('JSON-escapes {{name}} in a JSON body, so a hostile value cannot add keys', () => {
    const hostile = withName(DOWN, 'x", "routing_key": "stolen\n\\ \u2028 </script>');
    const body = renderTemplate('{"summary": "{{data.endpoint_name}}"}', hostile, JSON_TYPE);
    assert.deepEqual(JSON.parse(body), { summary: hostile.data.endpoint_name });
  });

  it('renders {{{name}}} in a JSON body as a whole JSON value: strings quoted, numbers, null, objects, null when missing', () => {
    const sparse = SAMPLES.find((s): s is Envelope => s.event === 'endpoint.down' && s.data.url === null)!;
    const body = renderTemplate(
      '{"name": {{{data.endpoint_name}}}, "code": {{{data.last_response_code}}}, "url": {{{data.url}}}, "data": {{{data}}}, "nope": {{{nope}}}}',
      sparse,
      JSON_TYPE,
    );
    assert.deepEqual(JSON.parse(body), {
      name: sparse.data.endpoint_name,
      code: null,
      url: null,
      data: JSON.parse(JSON.stringify(sparse.data)),
      nope: null,
    });
  });

  it('inserts values verbatim for a non-JSON content type', () => {
    const body = renderTemplate('{{title}} <{{data.url}}> "{{{data.message}}}"', withName(DOWN, 'a&b "c"'), 'text/plain; charset=utf-8');
    assert.equal(body, 'a&b "c" is DOWN <https://api.example.com/v2/health> "status 502 is not in expected_status [200-399]"');
  });

  it('iterates lists, enters objects, and treats true/false/empty as mustache does', () => {
    const dns = SAMPLES.find((s) => s.event === 'endpoint.dns.changed')!;
    const body = renderTemplate(
      '{{#data.dns.current_addresses}}[{{.}}]{{/data.dns.current_addresses}}{{#data.dns}}{{#previous_addresses}}({{.}}){{/previous_addresses}}{{/data.dns}}' +
        '{{#is_dns_changed}}!{{/is_dns_changed}}{{^is_down}}?{{/is_down}}{{#data.certificate}}cert{{/data.certificate}}{{^data.certificate}}nocert{{/data.certificate}}',
      dns,
      'text/plain',
    );
    assert.equal(body, '[198.51.100.7](203.0.113.10)(203.0.113.11)!?nocert');
  });

  it('resolves a name up the section stack, the dotted rest inside the object found', () => {
    const body = renderTemplate(
      '{{#data.certificate}}{{subject}} of {{data.endpoint_id}} in {{event}}{{/data.certificate}}',
      SAMPLES[6]!,
      'text/plain',
    );
    assert.equal(SAMPLES[6]!.event, 'endpoint.certificate.expiring');
    assert.equal(body, 'CN=api.example.com of ep_sample_test in endpoint.certificate.expiring');
  });

  it('renders nothing for prototype members: constructor, __proto__, toString, hasOwnProperty, and their paths', () => {
    const names = [
      'constructor',
      '__proto__',
      'prototype',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'data.constructor',
      'data.__proto__',
      'data.constructor.constructor',
      'id.constructor',
      'data.endpoint_name.constructor',
      'data.dns.current_addresses.constructor',
      'data.dns.current_addresses.map',
      '__defineGetter__',
    ];
    const dns = SAMPLES.find((s) => s.event === 'endpoint.dns.changed')!;
    for (const name of names) {
      for (const tag of [`{{${name}}}`, `{{{${name}}}}`, `{{#${name}}}X{{/${name}}}`]) {
        assert.equal(renderTemplate(tag, dns, 'text/plain'), '', `${tag} rendered something`);
      }
      assert.equal(renderTemplate(`{{^${name}}}none{{/${name}}}`, dns, 'text/plain'), 'none', name);
    }
    // and inside list items (strings) and objects entered by a section
    assert.equal(
      renderTemplate(
        '{{#data.dns.current_addresses}}{{constructor}}{{length}}{{/data.dns.current_addresses}}{{#data}}{{__proto__}}{{/data}}',
        dns,
        'text/plain',
      ),
      '',
    );
  });

  it('refuses partials rather than loading anything', () => {
    assert.throws(
      () => parseTemplate('{{> /etc/passwd}}'),
      (err: Error) => err instanceof TemplateError && /partials are not supported/.test(err.message),
    );
  });

  it('refuses a template that does not parse, naming the problem', () => {
    assert.throws(() => parseTemplate('{{#data}}x'), /does not parse: Unclosed section "data"/);
    assert.throws(() => parseTemplate('x{{/data}}'), /does not parse: Unopened section "data"/);
    assert.throws(() => parseTemplate('{{data'), /does not parse: Unclosed tag/);
  });

  it('refuses a template over 16 KiB', () => {
    assert.throws(() => parseTemplate('x'.repeat(TEMPLATE_LIMITS.templateChars + 1)), /at most 16384 characters/);
    assert.doesNotThrow(() => parseTemplate('x'.repeat(TEMPLATE_LIMITS.templateChars)));
  });

  it('refuses sections nested more than 32 deep', () => {
    const nest = (n: number) => '{{#is_down}}'.repeat(n) + 'x' + '{{/is_down}}'.repeat(n);
    assert.doesNotThrow(() => parseTemplate(nest(32)));
    assert.throws(() => parseTemplate(nest(33)), /nested at most 32 deep/);
  });

  it('bounds the output at 256 KiB: a template that multiplies a big value is stopped', () => {
    const big = withName(DOWN, 'n'.repeat(200));
    // 16 KiB of {{{data}}} ≈ 1,800 copies of a ~700-byte object: about 1.3 MB if it were not stopped
    const template = '{{data}}'.repeat(Math.floor(TEMPLATE_LIMITS.templateChars / 8));
    assert.throws(() => renderTemplate(template, big, 'text/plain'), /exceeds 262144 bytes/);
  });

  it('bounds the work: nested sections over a list stop after the step budget, however little they print', () => {
    const dns = SAMPLES.find((s) => s.event === 'endpoint.dns.changed')!;
    const list = 'data.dns.previous_addresses'; // two items: 2^32 iterations if unbounded
    const template = `{{#${list}}}`.repeat(32) + `{{/${list}}}`.repeat(32);
    const started = process.hrtime.bigint();
    assert.throws(() => renderTemplate(template, dns, 'text/plain'), /more than 100000 steps/);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 500, `took ${ms} ms`);
  });

  it('refuses a JSON body that does not parse', () => {
    assert.throws(() => renderTemplate('{"a": {{data.failure_count}}, }', DOWN, JSON_TYPE), /the rendered body is not valid JSON/);
  });

  it('knows JSON content types', () => {
    assert.equal(isJsonContentType('application/json'), true);
    assert.equal(isJsonContentType('Application/JSON; charset=utf-8'), true);
    assert.equal(isJsonContentType('application/vnd.pagerduty+json'), true);
    assert.equal(isJsonContentType('text/plain'), false);
    assert.equal(isJsonContentType('application/jsonx'), false);
  });
});

describe('custom templates: the save-time check', () => {
  it('has a full and a sparse sample of each of the six endpoint event types, and one of each webhook event', () => {
    assert.equal(SAMPLES.length, 14);
    assert.equal(new Set(SAMPLES.map((s) => s.event)).size, 8);
    const endpointSamples = SAMPLES.filter((s): s is Envelope => s.event.startsWith('endpoint.'));
    assert.ok(endpointSamples.some((s) => s.data.url === null && s.data.last_response_code === null && s.data.group === null));
  });

  it('accepts a template that renders valid JSON for every sample', () => {
    assert.equal(checkTemplate('{"text": "{{title}}", "code": {{{data.last_response_code}}}}', JSON_TYPE, SAMPLES), null);
  });

  it('refuses one that breaks only with the optional values missing, naming the event', () => {
    const problem = checkTemplate('{"code": {{data.last_response_code}}}', JSON_TYPE, SAMPLES);
    assert.match(
      problem ?? '',
      /^the rendered body is not valid JSON .*, for the sample endpoint\.up event with its optional values null \(no URL, group, response or message\)$/,
    );
  });

  it('refuses one that breaks only for one event type', () => {
    const problem = checkTemplate('{"a": 1{{#is_degraded}},{{/is_degraded}}}', JSON_TYPE, SAMPLES);
    assert.match(problem ?? '', /for the sample endpoint\.degraded event$/);
  });

  it('answers the parse error of a template that does not parse', () => {
    assert.match(checkTemplate('{{#a}}', JSON_TYPE, SAMPLES) ?? '', /^does not parse: Unclosed section "a"/);
  });

  it('accepts anything that parses for a non-JSON content type', () => {
    assert.equal(checkTemplate('{{title}} {', 'text/plain', SAMPLES), null);
  });
});
