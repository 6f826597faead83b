import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateMembers,
  combinedUptime,
  overallStatus,
  RESOLVED_SHOWN_MS,
  shownAnnouncements,
  worstStatus,
  type MemberState,
} from '../../src/domain/status-page.ts';

const m = (status: MemberState['status'], o: Partial<MemberState> = {}): MemberState => ({
  status,
  paused: false,
  maintenance: false,
  lastResponseTimeMs: null,
  ...o,
});

test('the worst status ranks down over degraded over unknown over up, and nothing at all is unknown', () => {
  assert.equal(worstStatus(['up', 'degraded', 'down']), 'down');
  assert.equal(worstStatus(['up', 'degraded']), 'degraded');
  assert.equal(worstStatus(['up', 'unknown']), 'unknown');
  assert.equal(worstStatus(['up', 'up']), 'up');
  assert.equal(worstStatus([]), 'unknown');
});

test('a group item is the worst of its members that are not paused, and paused only when all of them are', () => {
  assert.equal(aggregateMembers([m('up'), m('down')]).status, 'down');
  assert.deepEqual(aggregateMembers([m('up'), m('down', { paused: true })]), {
    status: 'up',
    paused: false,
    maintenance: false,
    responseTimeMs: null,
  });
  assert.deepEqual(aggregateMembers([m('down', { paused: true })]), {
    status: 'down',
    paused: true,
    maintenance: false,
    responseTimeMs: null,
  });
  assert.deepEqual(aggregateMembers([]), { status: 'unknown', paused: false, maintenance: false, responseTimeMs: null });
  assert.equal(aggregateMembers([m('up'), m('up', { maintenance: true })]).maintenance, true);
  assert.equal(aggregateMembers([m('up', { lastResponseTimeMs: 100 }), m('up', { lastResponseTimeMs: 301 }), m('up')]).responseTimeMs, 201);
});

test('the overall status is the worst item that is not paused', () => {
  assert.equal(
    overallStatus([
      { status: 'up', paused: false },
      { status: 'down', paused: true },
      { status: 'degraded', paused: false },
    ]),
    'degraded',
  );
  assert.equal(overallStatus([{ status: 'down', paused: true }]), 'unknown');
});

test("a group's uptime weighs each member by its checks, per bucket and over the window; no counted check is null", () => {
  const c = (checks: number, failures: number, maintenance_checks = 0) => ({ checks, failures, maintenance_checks });
  const a = new Map([
    [0, c(3, 0)],
    [1, c(10, 0, 10)],
  ]);
  const b = new Map([[0, c(1, 1)]]);
  const u = combinedUptime([0, 1, 2], [a, b]);
  assert.deepEqual(u.buckets, [
    { start: 0, uptime: 75 },
    { start: 1, uptime: null },
    { start: 2, uptime: null },
  ]);
  assert.equal(u.total, 75);
});

test('announcements: every unresolved one and those resolved at most 7 days before now, newest first', () => {
  const now = Date.UTC(2026, 5, 15);
  const a = (name: string, createdAt: number, resolvedAt: number | null) => ({ name, createdAt, resolvedAt });
  const shown = shownAnnouncements(
    [
      a('old unresolved', now - 30 * 86_400_000, null),
      a('resolved 8 days ago', now - 9 * 86_400_000, now - 8 * 86_400_000),
      a('resolved exactly 7 days ago', now - 8 * 86_400_000, now - RESOLVED_SHOWN_MS),
      a('resolved just now', now - 1000, now),
    ],
    now,
  );
  assert.deepEqual(
    shown.map((x) => x.name),
    ['resolved just now', 'resolved exactly 7 days ago', 'old unresolved'],
  );
  assert.deepEqual(
    shownAnnouncements([a('resolved 8 days ago', 0, now - 8 * 86_400_000)], now + 1).map((x) => x.name),
    [],
  );
});
