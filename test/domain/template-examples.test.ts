// The example templates shipped in docs/templates/ render, for every sample event (with and without the optional
// values, and with a hostile endpoint name), a body of the shape its target documents.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkTemplate, renderTemplate, templateSamples, type AnyEnvelope } from '../../src/domain/template.ts';

const read = (name: string) => readFileSync(new URL(`../../docs/templates/${name}`, import.meta.url), 'utf8');
const SAMPLES = templateSamples('acc_examples', 'wh_examples', new Date('2025-01-14T08:32:17Z')).flatMap((s): AnyEnvelope[] =>
  'endpoint_name' in s.data ? [s, { ...s, data: { ...s.data, endpoint_name: 'evil", "routing_key": "x\n\\ ⚠️' } } as AnyEnvelope] : [s],
);

type Json = Record<string, unknown>;
const isText = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;

function eachBody(name: string, check: (body: Json, sample: AnyEnvelope) => void): void {
  const template = read(name);
  assert.equal(checkTemplate(template, 'application/json', SAMPLES), null);
  for (const sample of SAMPLES) {
    const body = JSON.parse(renderTemplate(template, sample, 'application/json')) as Json;
    check(body, sample);
  }
}

describe('example templates (docs/templates)', () => {
  it('pagerduty-events-v2.mustache: routing_key, trigger/resolve, a dedup_key per endpoint, payload summary/source/severity', () => {
    eachBody('pagerduty-events-v2.mustache', (body, sample) => {
      assert.ok(isText(body.routing_key, 64));
      assert.equal(body.event_action, sample.event === 'endpoint.up' ? 'resolve' : 'trigger');
      assert.ok(isText(body.dedup_key, 255));
      if (sample.event === 'endpoint.down' || sample.event === 'endpoint.up' || sample.event === 'endpoint.degraded') {
        // one incident per endpoint: its down (or degraded) opens it, its up resolves it
        assert.equal(body.dedup_key, `vantastatus-${sample.data.endpoint_id}`);
      }
      const payload = body.payload as Json;
      assert.ok(isText(payload.summary, 1024));
      assert.ok(isText(payload.source, 1024));
      assert.ok(['critical', 'error', 'warning', 'info'].includes(payload.severity as string));
      assert.equal(payload.timestamp, sample.timestamp);
      assert.deepEqual(payload.custom_details, JSON.parse(JSON.stringify(sample.data)));
    });
  });

  it('discord.mustache: content and one embed with title, description, colour and non-empty fields', () => {
    eachBody('discord.mustache', (body, sample) => {
      assert.ok(isText(body.content, 2000));
      const embeds = body.embeds as Json[];
      assert.equal(embeds.length, 1);
      const embed = embeds[0]!;
      assert.ok(isText(embed.title, 256));
      assert.ok(isText(embed.description, 4096));
      assert.ok(Number.isInteger(embed.color));
      assert.equal(embed.timestamp, sample.timestamp);
      const fields = embed.fields as Json[];
      assert.ok(fields.length >= 2 && fields.length <= 25);
      for (const f of fields) assert.ok(isText(f.name, 256) && isText(f.value, 1024), JSON.stringify(f));
      assert.equal(
        fields.some((f) => f.name === 'Reason'),
        'message' in sample.data && typeof sample.data.message === 'string',
      );
    });
  });

  it('teams.mustache: a message with one Adaptive Card attachment of text blocks and a fact set', () => {
    eachBody('teams.mustache', (body) => {
      assert.equal(body.type, 'message');
      const attachments = body.attachments as Json[];
      assert.equal(attachments.length, 1);
      assert.equal(attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
      const card = attachments[0]!.content as Json;
      assert.equal(card.type, 'AdaptiveCard');
      assert.equal(card.version, '1.4');
      const blocks = card.body as Json[];
      assert.ok(blocks.length > 0);
      for (const block of blocks) {
        if (block.type === 'TextBlock') assert.ok(isText(block.text, 4000));
        else {
          assert.equal(block.type, 'FactSet');
          for (const fact of block.facts as Json[]) assert.ok(isText(fact.title, 100) && isText(fact.value, 2000));
        }
      }
    });
  });
});
