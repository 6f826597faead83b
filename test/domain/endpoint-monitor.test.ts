// The monitor's clock and configuration rules, shared by the endpoint workflow and the check loop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointMonitor, nextSlotAfter } from '../../src/domain/endpoint-monitor.ts';
import { makeConfig as baseConfig } from './fixtures.ts';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');

describe('EndpointMonitor', () => {
  it('holds the same configuration whatever its key order, and not one that differs in any field', () => {
    const c = baseConfig({ headers: { a: '1', b: '2' } });
    const m = new EndpointMonitor({ config: c }, T0);
    const reordered = Object.fromEntries(Object.entries({ ...c, headers: { b: '2', a: '1' } }).reverse()) as unknown as typeof c;
    assert.equal(m.holds(reordered), true);
    assert.equal(m.holds({ ...c, headers: { a: '1', b: '3' } }), false);
    assert.equal(m.holds({ ...c, paused: !c.paused }), false);
    assert.equal(m.holds({ ...c, check_interval_sec: c.check_interval_sec + 1 }), false);
  });

  it('bumps its configuration version on every change, pause and resume', () => {
    const c = baseConfig();
    const m = new EndpointMonitor({ config: c }, T0);
    m.configure({ ...c, name: 'other' }, T0);
    m.pause();
    m.resume(T0 + 1000);
    assert.equal(m.configVersion, 3);
  });

  it('schedules each check one interval after the previous slot, not after the check ended', () => {
    const m = new EndpointMonitor({ config: baseConfig({ check_interval_sec: 60 }), nextCheckAtMs: T0 }, T0);
    m.startActiveCheck(T0 + 250);
    assert.equal(m.nextCheckAtMs, T0 + 60_000);
  });

  it('a loop that comes back after missing slots keeps the phase: overdue by less than an interval checks now, by more moves to the next slot', () => {
    const late = new EndpointMonitor({ config: baseConfig({ check_interval_sec: 60 }), nextCheckAtMs: T0 }, T0);
    late.catchUp(T0 + 30_000);
    assert.equal(late.nextCheckAtMs, T0, 'due within the last interval: checks at once');
    const away = new EndpointMonitor({ config: baseConfig({ check_interval_sec: 60 }), nextCheckAtMs: T0 }, T0);
    away.catchUp(T0 + 150_000);
    assert.equal(away.nextCheckAtMs, T0 + 180_000, 'the next slot on the same grid');
  });

  it('nextSlotAfter answers the first slot strictly after now', () => {
    assert.equal(nextSlotAfter(T0, 10_000, T0), T0 + 10_000);
    assert.equal(nextSlotAfter(T0, 10_000, T0 + 10_000), T0 + 20_000);
    assert.equal(nextSlotAfter(T0, 10_000, T0 - 5_000), T0 + 10_000);
    assert.equal(nextSlotAfter(T0, 10_000, T0 + 35_000), T0 + 40_000);
  });
});
