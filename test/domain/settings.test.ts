import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSettings } from '../../src/domain/settings.ts';
import type { DeliverySettings } from '../../src/domain/types.ts';

const ACCOUNT: DeliverySettings = { retry_schedule_sec: [30, 120], expiry_sec: 7200, timeout_sec: 20 };

describe('effectiveSettings', () => {
  it('a group without overrides gets the account settings', () => {
    assert.deepEqual(effectiveSettings(ACCOUNT, null), ACCOUNT);
    assert.deepEqual(effectiveSettings(ACCOUNT, {}), ACCOUNT);
  });

  it('overridden fields win and the others inherit', () => {
    assert.deepEqual(effectiveSettings(ACCOUNT, { timeout_sec: 5 }), { ...ACCOUNT, timeout_sec: 5 });
    assert.deepEqual(effectiveSettings(ACCOUNT, { retry_schedule_sec: [10] }), { ...ACCOUNT, retry_schedule_sec: [10] });
  });

  it('a later account change reaches the fields the group did not override', () => {
    const group = { expiry_sec: 600 };
    const changedAccount = { ...ACCOUNT, timeout_sec: 7, retry_schedule_sec: [45] };
    assert.deepEqual(effectiveSettings(changedAccount, group), { retry_schedule_sec: [45], expiry_sec: 600, timeout_sec: 7 });
  });

  it('a null field from JSON counts as not overridden', () => {
    const fromJson = JSON.parse('{"timeout_sec": null}') as Partial<DeliverySettings>;
    assert.equal(effectiveSettings(ACCOUNT, fromJson).timeout_sec, 20);
  });

  it('the result does not share its schedule array with its inputs', () => {
    const result = effectiveSettings(ACCOUNT, null);
    result.retry_schedule_sec.push(999);
    assert.deepEqual(ACCOUNT.retry_schedule_sec, [30, 120]);
  });
});
