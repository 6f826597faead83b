import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  dtstartProblem,
  isTimeZone,
  MAX_OCCURRENCES,
  mergedOccurrences,
  occurrences,
  rruleProblem,
  zonedInstant,
  type MaintenanceSchedule,
} from '../../src/recurrence/occurrences.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const daily0230Berlin = (dtstart: string): MaintenanceSchedule => ({
  kind: 'recurring',
  rrule: 'FREQ=DAILY',
  dtstart,
  duration_sec: 3600,
  timezone: 'Europe/Berlin',
});

describe('recurring windows across DST changes', () => {
  it('a daily 02:30 Europe/Berlin window stays at 02:30 local across the last Sunday of March (02:30 does not exist that night: 03:30 CEST)', () => {
    const got = occurrences(daily0230Berlin('2025-03-28T02:30'), Date.UTC(2025, 2, 28), Date.UTC(2025, 3, 1));
    assert.deepEqual(
      got.map((i) => [iso(i.start_ms), iso(i.end_ms)]),
      [
        ['2025-03-28T01:30:00.000Z', '2025-03-28T02:30:00.000Z'], // 02:30 CET
        ['2025-03-29T01:30:00.000Z', '2025-03-29T02:30:00.000Z'],
        ['2025-03-30T01:30:00.000Z', '2025-03-30T02:30:00.000Z'], // the gap: offset before it, 03:30 CEST
        ['2025-03-31T00:30:00.000Z', '2025-03-31T01:30:00.000Z'], // 02:30 CEST
      ],
    );
  });

  it('across the last Sunday of October, 02:30 exists twice and the first one is taken', () => {
    const got = occurrences(daily0230Berlin('2025-10-24T02:30'), Date.UTC(2025, 9, 24), Date.UTC(2025, 9, 28));
    assert.deepEqual(
      got.map((i) => iso(i.start_ms)),
      ['2025-10-24T00:30:00.000Z', '2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z'],
    );
  });

  it('a weekly rule in America/New_York keeps its local time over the US change', () => {
    const s: MaintenanceSchedule = {
      kind: 'recurring',
      rrule: 'RRULE:FREQ=WEEKLY;BYDAY=SU',
      dtstart: '2025-03-02T01:00',
      duration_sec: 7200,
      timezone: 'America/New_York',
    };
    const got = occurrences(s, Date.UTC(2025, 2, 1), Date.UTC(2025, 2, 17));
    assert.deepEqual(
      got.map((i) => iso(i.start_ms)),
      ['2025-03-02T06:00:00.000Z', '2025-03-09T06:00:00.000Z', '2025-03-16T05:00:00.000Z'],
    );
  });

  it('places local times in a zone by RFC 5545: gap with the offset before it, overlap the first', () => {
    assert.equal(iso(zonedInstant(Date.UTC(2025, 2, 30, 2, 30), 'Europe/Berlin')), '2025-03-30T01:30:00.000Z');
    assert.equal(iso(zonedInstant(Date.UTC(2025, 9, 26, 2, 30), 'Europe/Berlin')), '2025-10-26T00:30:00.000Z');
    assert.equal(iso(zonedInstant(Date.UTC(2025, 0, 1, 12, 0), 'UTC')), '2025-01-01T12:00:00.000Z');
  });
});

describe('occurrences in a range', () => {
  it('a one-off window is one interval when it overlaps the range, none otherwise', () => {
    const s: MaintenanceSchedule = { kind: 'one_off', starts_at: '2025-01-14T08:00:00Z', ends_at: '2025-01-14T09:00:00Z' };
    assert.equal(occurrences(s, Date.UTC(2025, 0, 14, 8, 30), Date.UTC(2025, 0, 15)).length, 1);
    assert.equal(occurrences(s, Date.UTC(2025, 0, 14, 9), Date.UTC(2025, 0, 15)).length, 0);
  });

  it('an occurrence that started before the range and is still running is included', () => {
    const got = occurrences(daily0230Berlin('2025-01-01T02:30'), Date.UTC(2025, 0, 10, 2, 0), Date.UTC(2025, 0, 10, 3));
    assert.deepEqual(
      got.map((i) => iso(i.start_ms)),
      ['2025-01-10T01:30:00.000Z'],
    );
  });

  it('overlapping windows are merged into one interval', () => {
    const got = mergedOccurrences(
      [
        { kind: 'one_off', starts_at: '2025-01-14T08:00:00Z', ends_at: '2025-01-14T09:00:00Z' },
        { kind: 'one_off', starts_at: '2025-01-14T08:30:00Z', ends_at: '2025-01-14T10:00:00Z' },
        { kind: 'recurring', rrule: 'FREQ=DAILY', dtstart: '2025-01-01T09:45', duration_sec: 1800, timezone: 'UTC' },
      ],
      Date.UTC(2025, 0, 14),
      Date.UTC(2025, 0, 14, 12),
    );
    assert.deepEqual(
      got.map((i) => [iso(i.start_ms), iso(i.end_ms)]),
      [['2025-01-14T08:00:00.000Z', '2025-01-14T10:15:00.000Z']],
    );
  });

  it('COUNT and UNTIL end a recurrence', () => {
    const s = (rrule: string): MaintenanceSchedule => ({
      kind: 'recurring',
      rrule,
      dtstart: '2025-01-01T00:00',
      duration_sec: 60,
      timezone: 'UTC',
    });
    assert.equal(occurrences(s('FREQ=DAILY;COUNT=3'), Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1)).length, 3);
    assert.equal(occurrences(s('FREQ=DAILY;UNTIL=20250105T000000Z'), Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1)).length, 5);
  });

  it('never answers more than MAX_OCCURRENCES', () => {
    const s: MaintenanceSchedule = {
      kind: 'recurring',
      rrule: 'FREQ=DAILY',
      dtstart: '2000-01-01T00:00',
      duration_sec: 60,
      timezone: 'UTC',
    };
    assert.equal(occurrences(s, Date.UTC(2000, 0, 1), Date.UTC(2010, 0, 1)).length, MAX_OCCURRENCES);
  });
});

describe('validation', () => {
  it('knows IANA zones and refuses others', () => {
    assert.equal(isTimeZone('Europe/Berlin'), true);
    assert.equal(isTimeZone('UTC'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
    assert.equal(isTimeZone(''), false);
  });

  it('accepts RRULE values with or without the RRULE: prefix', () => {
    assert.equal(rruleProblem('FREQ=WEEKLY;BYDAY=SU'), null);
    assert.equal(rruleProblem('RRULE:FREQ=MONTHLY;BYDAY=1SA'), null);
  });

  it('refuses what is not one usable RRULE, saying why', () => {
    assert.match(rruleProblem('FOO=BAR')!, /not a valid RFC 5545 RRULE/);
    assert.match(rruleProblem('BYDAY=SU')!, /needs FREQ/);
    assert.match(rruleProblem('FREQ=HOURLY')!, /DAILY, WEEKLY, MONTHLY or YEARLY/);
    assert.match(rruleProblem('FREQ=DAILY;COUNT=abc')!, /COUNT/);
    assert.match(rruleProblem('DTSTART:20250101T000000Z\nRRULE:FREQ=DAILY')!, /single RRULE/);
    assert.match(rruleProblem('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31')!, /never occurs/);
  });

  it('a rule that never occurs is refused quickly', () => {
    const t = performance.now();
    rruleProblem('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30');
    assert.ok(performance.now() - t < 2000);
  });

  it('dtstart is a real local date-time without an offset', () => {
    assert.equal(dtstartProblem('2025-03-30T02:30'), null);
    assert.equal(dtstartProblem('2025-03-30T02:30:15'), null);
    assert.match(dtstartProblem('2025-02-30T02:30')!, /local date-time/);
    assert.match(dtstartProblem('2025-03-30T02:30Z')!, /without an offset/);
    assert.match(dtstartProblem('1990-01-01T00:00')!, /2000/);
  });
});
