import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  maintenanceAt,
  maintenanceEndAnnouncement,
  mergeIntervals,
  nextMaintenanceEnd,
  outboundEvents,
} from '../../src/domain/maintenance.ts';
import type { DomainEvent, EndpointEventType } from '../../src/domain/types.ts';
import { makeConfig, stateWith } from './fixtures.ts';

const T = Date.UTC(2025, 0, 14, 8, 0);
const min = (n: number) => T + n * 60_000;
const event = (type: EndpointEventType): DomainEvent => ({
  type,
  timestamp: '2025-01-14T08:00:00Z',
  data: { ...({} as DomainEvent['data']), current_status: type === 'endpoint.up' ? 'up' : 'down' },
});

describe('maintenance intervals', () => {
  it('merges overlapping and touching intervals into one, sorted', () => {
    assert.deepEqual(
      mergeIntervals([
        { start_ms: min(50), end_ms: min(60) },
        { start_ms: min(0), end_ms: min(30) },
        { start_ms: min(20), end_ms: min(40) },
        { start_ms: min(40), end_ms: min(45) },
      ]),
      [
        { start_ms: min(0), end_ms: min(45) },
        { start_ms: min(50), end_ms: min(60) },
      ],
    );
  });

  it('drops empty intervals', () => {
    assert.deepEqual(mergeIntervals([{ start_ms: min(5), end_ms: min(5) }]), []);
  });

  it('is in force from its start (inclusive) to its end (exclusive)', () => {
    const list = [{ start_ms: min(0), end_ms: min(30) }];
    assert.equal(maintenanceAt(list, min(-1)), undefined);
    assert.deepEqual(maintenanceAt(list, min(0)), list[0]);
    assert.equal(maintenanceAt(list, min(30)), undefined);
    assert.equal(maintenanceAt(undefined, min(1)), undefined);
  });

  it('names the next end after now, of the interval in force or of a later one', () => {
    const list = [
      { start_ms: min(0), end_ms: min(30) },
      { start_ms: min(60), end_ms: min(90) },
    ];
    assert.equal(nextMaintenanceEnd(list, min(10)), min(30));
    assert.equal(nextMaintenanceEnd(list, min(30)), min(90));
    assert.equal(nextMaintenanceEnd(list, min(90)), undefined);
  });
});

describe('the announcement when a maintenance ends', () => {
  const config = makeConfig();
  it('an endpoint still down gets endpoint.down with its streak kept, from what receivers last heard', () => {
    const state = stateWith({ status: 'down', failure_count: 7, first_failure: '2025-01-14T07:40:00.000Z' });
    const e = maintenanceEndAnnouncement(state, config, 'up', min(30));
    assert.equal(e?.type, 'endpoint.down');
    assert.equal(e?.data.previous_status, 'up');
    assert.equal(e?.data.failure_count, 7);
    assert.equal(e?.data.first_failure, '2025-01-14T07:40:00Z');
    assert.equal(e?.timestamp, '2025-01-14T08:30:00Z');
  });

  it('one never announced counts as up: previous_status up, never unknown', () => {
    const e = maintenanceEndAnnouncement(stateWith({ status: 'down' }), config, 'unknown', min(30));
    assert.equal(e?.type, 'endpoint.down');
    assert.equal(e?.data.previous_status, 'up');
  });

  it('one that recovered during the window and was last announced down gets endpoint.up', () => {
    const e = maintenanceEndAnnouncement(stateWith({ status: 'up' }), config, 'down', min(30));
    assert.equal(e?.type, 'endpoint.up');
    assert.equal(e?.data.previous_status, 'down');
  });

  it('a degraded one gets endpoint.degraded with threshold_ms', () => {
    const e = maintenanceEndAnnouncement(stateWith({ status: 'degraded' }), config, 'up', min(30));
    assert.equal(e?.type, 'endpoint.degraded');
    assert.equal(e?.data.threshold_ms, 2000);
  });

  it('nothing when receivers already heard this status, or heard nothing and it is up', () => {
    assert.equal(maintenanceEndAnnouncement(stateWith({ status: 'down' }), config, 'down', min(30)), null);
    assert.equal(maintenanceEndAnnouncement(stateWith({ status: 'up' }), config, 'unknown', min(30)), null);
    assert.equal(maintenanceEndAnnouncement(stateWith({ status: 'unknown' }), config, 'up', min(30)), null);
  });
});

describe('which events go out', () => {
  const config = makeConfig({ maintenance: [{ start_ms: min(0), end_ms: min(30) }] });
  const ctx = { config, state: stateWith({ status: 'down', failure_count: 3 }), statusBefore: 'up' as const, announced: 'up' as const };

  it('inside a window: every event but the status ones (certificate, DNS and body still go out)', () => {
    const out = outboundEvents([event('endpoint.down'), event('endpoint.dns.changed')], { ...ctx, nowMs: min(10) });
    assert.deepEqual(
      out.map((e) => e.type),
      ['endpoint.dns.changed'],
    );
  });

  it('outside a window, with receivers up to date: the events as they are', () => {
    const events = [event('endpoint.down')];
    assert.deepEqual(outboundEvents(events, { ...ctx, nowMs: min(40) }), events);
  });

  it('after a window that hid a down: one endpoint.down first, then the other events', () => {
    const out = outboundEvents([event('endpoint.body.changed')], { ...ctx, statusBefore: 'down', nowMs: min(30) });
    assert.deepEqual(
      out.map((e) => e.type),
      ['endpoint.down', 'endpoint.body.changed'],
    );
  });

  it('after a window whose down recovered before its end: nothing, and a stale recovery event is dropped', () => {
    const out = outboundEvents([event('endpoint.up')], {
      ...ctx,
      state: stateWith({ status: 'up' }),
      statusBefore: 'down',
      nowMs: min(31),
    });
    assert.deepEqual(out, []);
  });
});
