import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  deliveryIdFor,
  deliveryWorkflowId,
  endpointWorkflowId,
  eventIdFromHex,
  isEventId,
  redeliveryWorkflowId,
} from '../../src/domain/ids.ts';
import { sha256Hex } from '../../src/domain/sha256.ts';

const HEX = '9f82a1c4d7e6b5a40312';

describe('workflow ids', () => {
  it('an endpoint workflow id is endpoint:<endpoint id>', () => {
    assert.equal(endpointWorkflowId('ep_msk_api_04'), 'endpoint:ep_msk_api_04');
  });

  it('a delivery workflow id is delivery:<webhook id>:<event id>', () => {
    assert.equal(deliveryWorkflowId('wh_3b71f092', `wh_evt_${HEX}`), `delivery:wh_3b71f092:wh_evt_${HEX}`);
  });

  it('the same webhook and event always give the same delivery id, so a second start deduplicates', () => {
    assert.equal(deliveryWorkflowId('wh_1', `wh_evt_${HEX}`), deliveryWorkflowId('wh_1', `wh_evt_${HEX}`));
    assert.notEqual(deliveryWorkflowId('wh_1', `wh_evt_${HEX}`), deliveryWorkflowId('wh_2', `wh_evt_${HEX}`));
  });

  it('refuses empty ids and ids containing a colon', () => {
    assert.throws(() => endpointWorkflowId(''), TypeError);
    assert.throws(() => endpointWorkflowId('ep:1'), TypeError);
    assert.throws(() => deliveryWorkflowId('', `wh_evt_${HEX}`), TypeError);
    assert.throws(() => deliveryWorkflowId('wh:1', `wh_evt_${HEX}`), TypeError);
  });

  it('refuses a delivery id whose event id is not a VantaStatus event id', () => {
    assert.throws(() => deliveryWorkflowId('wh_1', 'evt_123'), TypeError);
  });
});

describe('redelivery workflow ids', () => {
  it('a redelivery workflow id is delivery:<webhook id>:<event id>:<sequence>', () => {
    assert.equal(redeliveryWorkflowId('wh_3b71f092', `wh_evt_${HEX}`, 1), `delivery:wh_3b71f092:wh_evt_${HEX}:1`);
    assert.equal(redeliveryWorkflowId('wh_3b71f092', `wh_evt_${HEX}`, 12), `delivery:wh_3b71f092:wh_evt_${HEX}:12`);
  });

  it('the same webhook, event and sequence always give the same id, so two concurrent retries start one workflow', () => {
    assert.equal(redeliveryWorkflowId('wh_1', `wh_evt_${HEX}`, 2), redeliveryWorkflowId('wh_1', `wh_evt_${HEX}`, 2));
    assert.notEqual(redeliveryWorkflowId('wh_1', `wh_evt_${HEX}`, 2), redeliveryWorkflowId('wh_1', `wh_evt_${HEX}`, 3));
    assert.notEqual(redeliveryWorkflowId('wh_1', `wh_evt_${HEX}`, 1), redeliveryWorkflowId('wh_2', `wh_evt_${HEX}`, 1));
  });

  it('never collides with the original delivery of the same event', () => {
    assert.notEqual(redeliveryWorkflowId('wh_1', `wh_evt_${HEX}`, 1), deliveryWorkflowId('wh_1', `wh_evt_${HEX}`));
  });

  it('refuses sequence 0 (the original delivery), negative, fractional and non-finite sequences', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => redeliveryWorkflowId('wh_1', `wh_evt_${HEX}`, bad), TypeError, String(bad));
    }
  });

  it('refuses the same malformed webhook and event ids as the original delivery id', () => {
    assert.throws(() => redeliveryWorkflowId('wh:1', `wh_evt_${HEX}`, 1), TypeError);
    assert.throws(() => redeliveryWorkflowId('', `wh_evt_${HEX}`, 1), TypeError);
    assert.throws(() => redeliveryWorkflowId('wh_1', 'evt_123', 1), TypeError);
  });
});

describe('event ids', () => {
  it('prefixes lower-case hex with wh_evt_', () => {
    assert.equal(eventIdFromHex(HEX), `wh_evt_${HEX}`);
  });

  it('folds upper-case hex to lower case', () => {
    assert.equal(eventIdFromHex(HEX.toUpperCase()), `wh_evt_${HEX}`);
  });

  it('refuses fewer than 20 hex characters or non-hex characters', () => {
    assert.throws(() => eventIdFromHex('abc123'), TypeError);
    assert.throws(() => eventIdFromHex('g'.repeat(24)), TypeError);
    assert.throws(() => eventIdFromHex(`${HEX}-x`), TypeError);
    assert.equal(eventIdFromHex('a'.repeat(20)), `wh_evt_${'a'.repeat(20)}`);
  });

  it('isEventId accepts only wh_evt_ followed by at least 20 lower-case hex characters', () => {
    assert.equal(isEventId(`wh_evt_${HEX}`), true);
    assert.equal(isEventId(`wh_evt_${'0'.repeat(64)}`), true);
    assert.equal(isEventId('wh_evt_9f82a1c4d7e6'), false);
    assert.equal(isEventId(`wh_evt_${HEX.toUpperCase()}`), false);
    assert.equal(isEventId(`evt_${HEX}`), false);
    assert.equal(isEventId(` wh_evt_${HEX}`), false);
    assert.equal(isEventId(42), false);
  });
});

describe('deliveryIdFor and its SHA-256', () => {
  it('sha256Hex matches node:crypto on block boundaries and multi-byte text', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), 'é€😀', 'wh_1:wh_evt_0:3']) {
      assert.equal(sha256Hex(text), createHash('sha256').update(text).digest('hex'), `${text.length} characters`);
    }
  });
  it('is dlv_ + the first 24 hex of sha256(webhook:event:sequence), the ids already stored', () => {
    const expected = 'dlv_' + createHash('sha256').update('wh_a:wh_evt_0123456789abcdef0123:2').digest('hex').slice(0, 24);
    assert.equal(deliveryIdFor('wh_a', 'wh_evt_0123456789abcdef0123', 2), expected);
    assert.notEqual(deliveryIdFor('wh_a', 'wh_evt_0123456789abcdef0123', 0), deliveryIdFor('wh_a', 'wh_evt_0123456789abcdef0123', 1));
  });
});
