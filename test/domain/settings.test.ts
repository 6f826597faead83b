import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSettings, validateDeliverySettings } from '../../src/domain/settings.ts';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../../src/domain/types.ts';

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

describe('validateDeliverySettings', () => {
  it('accepts the defaults', () => {
    assert.deepEqual(validateDeliverySettings(DEFAULT_DELIVERY_SETTINGS), []);
  });

  it('accepts the bounds themselves', () => {
    assert.deepEqual(
      validateDeliverySettings({ retry_schedule_sec: Array(20).fill(86400), expiry_sec: 604800, timeout_sec: 30 }),
      [],
    );
    assert.deepEqual(validateDeliverySettings({ retry_schedule_sec: [1], expiry_sec: 60, timeout_sec: 1 }), []);
  });

  const bad: Array<[string, unknown, string[]]> = [
    ['an empty schedule', { ...DEFAULT_DELIVERY_SETTINGS, retry_schedule_sec: [] }, ['retry_schedule_sec']],
    ['21 schedule entries', { ...DEFAULT_DELIVERY_SETTINGS, retry_schedule_sec: Array(21).fill(60) }, ['retry_schedule_sec']],
    ['a zero interval', { ...DEFAULT_DELIVERY_SETTINGS, retry_schedule_sec: [60, 0] }, ['retry_schedule_sec[1]']],
    ['an interval over a day', { ...DEFAULT_DELIVERY_SETTINGS, retry_schedule_sec: [86401] }, ['retry_schedule_sec[0]']],
    ['a fractional interval', { ...DEFAULT_DELIVERY_SETTINGS, retry_schedule_sec: [1.5] }, ['retry_schedule_sec[0]']],
    ['a string schedule', { ...DEFAULT_DELIVERY_SETTINGS, retry_schedule_sec: '60' }, ['retry_schedule_sec']],
    ['expiry under a minute', { ...DEFAULT_DELIVERY_SETTINGS, expiry_sec: 59 }, ['expiry_sec']],
    ['expiry over 7 days', { ...DEFAULT_DELIVERY_SETTINGS, expiry_sec: 604801 }, ['expiry_sec']],
    ['timeout 0', { ...DEFAULT_DELIVERY_SETTINGS, timeout_sec: 0 }, ['timeout_sec']],
    ['timeout 31', { ...DEFAULT_DELIVERY_SETTINGS, timeout_sec: 31 }, ['timeout_sec']],
    ['a string timeout', { ...DEFAULT_DELIVERY_SETTINGS, timeout_sec: '30' }, ['timeout_sec']],
    ['everything missing', {}, ['retry_schedule_sec', 'expiry_sec', 'timeout_sec']],
    ['not an object', [60], ['settings']],
  ];
  for (const [name, value, fields] of bad) {
    it(`rejects ${name}, naming ${fields.join(', ')}`, () => {
      assert.deepEqual(
        validateDeliverySettings(value).map((e) => e.field),
        fields,
      );
    });
  }

  it('every error has a message', () => {
    for (const error of validateDeliverySettings({ retry_schedule_sec: [0], expiry_sec: 1, timeout_sec: 99 })) {
      assert.ok(error.message.length > 0);
    }
  });

  it('partial mode accepts missing or null fields but still checks the present ones', () => {
    assert.deepEqual(validateDeliverySettings({}, { partial: true }), []);
    assert.deepEqual(validateDeliverySettings({ timeout_sec: null }, { partial: true }), []);
    assert.deepEqual(
      validateDeliverySettings({ timeout_sec: 45 }, { partial: true }).map((e) => e.field),
      ['timeout_sec'],
    );
  });
});
