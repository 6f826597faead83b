import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_DEDUP_TTL_SEC, createDeduper, createMemoryDedupStore, type DedupStore } from '../../src/receiver/index.ts';

function manualClock(startMs = 1_736_837_537_000) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advanceSec(sec: number) {
      nowMs += sec * 1000;
    },
  };
}

test('an event id is new the first time and a duplicate every later time', async () => {
  const dedup = createDeduper();
  assert.equal(await dedup.seen('wh_evt_aaaaaaaaaaaaaaaaaaaa'), false);
  assert.equal(await dedup.seen('wh_evt_aaaaaaaaaaaaaaaaaaaa'), true);
  assert.equal(await dedup.seen('wh_evt_aaaaaaaaaaaaaaaaaaaa'), true);
  assert.equal(await dedup.seen('wh_evt_bbbbbbbbbbbbbbbbbbbb'), false);
});

test('concurrent deliveries of one event let exactly one through', async () => {
  const dedup = createDeduper();
  const answers = await Promise.all(Array.from({ length: 20 }, () => dedup.seen('wh_evt_cccccccccccccccccccc')));
  assert.equal(answers.filter((duplicate) => !duplicate).length, 1);
});

test('an event id is remembered for the whole default 24 h and forgotten after it', async () => {
  const clock = manualClock();
  const dedup = createDeduper({ now: clock.now });
  assert.equal(await dedup.seen('wh_evt_dddddddddddddddddddd'), false);
  clock.advanceSec(MIN_DEDUP_TTL_SEC - 1);
  assert.equal(await dedup.seen('wh_evt_dddddddddddddddddddd'), true);
  clock.advanceSec(1);
  assert.equal(await dedup.seen('wh_evt_dddddddddddddddddddd'), false, 'expired after exactly 24 h');
  assert.equal(await dedup.seen('wh_evt_dddddddddddddddddddd'), true, 'and marked again for a new 24 h');
});

test('a longer TTL keeps event ids past 24 h', async () => {
  const clock = manualClock();
  const dedup = createDeduper({ now: clock.now, ttlSec: 7 * MIN_DEDUP_TTL_SEC });
  await dedup.seen('wh_evt_eeeeeeeeeeeeeeeeeeee');
  clock.advanceSec(6 * MIN_DEDUP_TTL_SEC);
  assert.equal(await dedup.seen('wh_evt_eeeeeeeeeeeeeeeeeeee'), true);
});

test('a TTL under 24 h or not a whole number of seconds is refused at construction', () => {
  assert.throws(() => createDeduper({ ttlSec: MIN_DEDUP_TTL_SEC - 1 }), RangeError);
  assert.throws(() => createDeduper({ ttlSec: 3600 }), /at least 86400/);
  assert.throws(() => createDeduper({ ttlSec: MIN_DEDUP_TTL_SEC + 0.5 }), RangeError);
  assert.doesNotThrow(() => createDeduper({ ttlSec: MIN_DEDUP_TTL_SEC }));
});

test('the in-memory store evicts expired entries instead of growing forever', async () => {
  const clock = manualClock();
  const store = createMemoryDedupStore({ now: clock.now });
  for (let i = 0; i < 50; i++) assert.equal(await store.setIfAbsent(`k${i}`, 60), true);
  assert.equal(store.size(), 50);
  clock.advanceSec(30);
  assert.equal(await store.setIfAbsent('late', 60), true);
  clock.advanceSec(30);
  assert.equal(store.size(), 1, 'only the entry stored 30 s later is still live');
  assert.equal(await store.setIfAbsent('k0', 60), true);
});

test('the in-memory store expires a short-lived key even when a longer-lived one was stored before it', async () => {
  const clock = manualClock();
  const store = createMemoryDedupStore({ now: clock.now });
  assert.equal(await store.setIfAbsent('long', 120), true);
  assert.equal(await store.setIfAbsent('short', 10), true);
  clock.advanceSec(9);
  assert.equal(await store.setIfAbsent('short', 10), false);
  clock.advanceSec(1);
  assert.equal(await store.setIfAbsent('short', 10), true);
  assert.equal(await store.setIfAbsent('long', 120), false);
});

test('a custom store receives namespaced keys and the configured TTL and decides what is new', async () => {
  const calls: Array<[string, number]> = [];
  const stored = new Set<string>();
  const store: DedupStore = {
    async setIfAbsent(key, ttlSec) {
      calls.push([key, ttlSec]);
      if (stored.has(key)) return false;
      stored.add(key);
      return true;
    },
  };
  const dedup = createDeduper({ store, ttlSec: 2 * MIN_DEDUP_TTL_SEC, keyPrefix: 'acme:' });
  assert.equal(await dedup.seen('wh_evt_ffffffffffffffffffff'), false);
  assert.equal(await dedup.seen('wh_evt_ffffffffffffffffffff'), true);
  assert.deepEqual(calls, [
    ['acme:wh_evt_ffffffffffffffffffff', 2 * MIN_DEDUP_TTL_SEC],
    ['acme:wh_evt_ffffffffffffffffffff', 2 * MIN_DEDUP_TTL_SEC],
  ]);
});

test('forgetting an event after failed processing lets its retry through again', async () => {
  const dedup = createDeduper();
  assert.equal(await dedup.seen('wh_evt_1111111111111111111a'), false);
  await dedup.forget('wh_evt_1111111111111111111a');
  assert.equal(await dedup.seen('wh_evt_1111111111111111111a'), false);
  assert.equal(await dedup.seen('wh_evt_1111111111111111111a'), true);
});

test('forget fails loudly when the store cannot delete', async () => {
  const dedup = createDeduper({ store: { setIfAbsent: async () => true } });
  await assert.rejects(dedup.forget('wh_evt_2222222222222222222b'), /no delete/);
});

test('an empty or non-string event id is refused rather than deduplicated under a shared key', async () => {
  const dedup = createDeduper();
  await assert.rejects(dedup.seen(''), TypeError);
  await assert.rejects(dedup.seen(null as unknown as string), TypeError);
});
