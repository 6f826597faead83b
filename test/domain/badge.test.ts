import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, formatUptime, renderBadge, STATUS_COLOURS, textWidth, uptimeColour } from '../../src/domain/badge.ts';

test('a badge is an SVG of the label and the value, both XML-escaped, in the given colour', () => {
  const svg = renderBadge({ label: `<a href="x">&'`, value: 'down', colour: STATUS_COLOURS.down });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="20"/);
  assert.ok(svg.includes('&lt;a href=&quot;x&quot;&gt;&amp;&apos;'));
  assert.ok(!svg.includes('<a href'));
  assert.ok(svg.includes('fill="#b42318"'));
  assert.equal(escapeXml(`<>&"'`), '&lt;&gt;&amp;&quot;&apos;');
});

test("a badge's width grows with its text, and a very long label is cut", () => {
  const width = (label: string) => Number(/width="(\d+)"/.exec(renderBadge({ label, value: 'up', colour: '#000' }))![1]);
  assert.ok(width('API') < width('Application programming interface'));
  assert.ok(textWidth('iiii') < textWidth('MMMM'));
  assert.equal(width('x'.repeat(500)), width('x'.repeat(1000)));
  assert.ok(renderBadge({ label: 'x'.repeat(100), value: 'up', colour: '#000' }).includes('…'));
});

test('uptime reads as a percentage cut to two decimals, coloured like the statuses', () => {
  assert.equal(formatUptime(99.999), '99.99%');
  assert.equal(formatUptime(100), '100%');
  assert.equal(formatUptime(null), 'no data');
  assert.equal(uptimeColour(99.95), STATUS_COLOURS.up);
  assert.equal(uptimeColour(99.5), STATUS_COLOURS.degraded);
  assert.equal(uptimeColour(90), STATUS_COLOURS.down);
  assert.equal(uptimeColour(null), STATUS_COLOURS.unknown);
});
