// What every fault test checks once the fault is over: each failing monitor sent exactly one endpoint.down, at the
// threshold and with the streak it had before the fault; and every expected event ended in a succeeded delivery.
import assert from 'node:assert/strict';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { deliveries, events } from '../../src/db/schema/index.ts';
import { isoSecondsOrNull } from '../../src/domain/time.ts';
import type { MonitorConfig } from '../../src/domain/types.ts';
import type { ReadModelStatus } from '../../src/read-model/status-repository.ts';
import { eventually } from './http-servers.ts';
import { asEndpointEvent } from './fixtures.ts';

export async function assertOneDownPerFailingEndpoint(o: {
  db: Db;
  failing: MonitorConfig[];
  healthy: MonitorConfig;
  statusOf(c: MonitorConfig): Promise<ReadModelStatus>;
  threshold: number;
  /** failed checks past the threshold to wait for, proving further failures send nothing */
  checksPastThreshold: number;
  /** each failing endpoint's status before the fault, in `failing` order */
  before: ReadModelStatus[];
  streakMessage: string;
}) {
  const downs = await eventually(async () => {
    const rows = await o.db
      .select()
      .from(events)
      .where(
        inArray(
          events.endpointId,
          o.failing.map((c) => c.endpoint_id),
        ),
      );
    return rows.length >= o.failing.length ? rows.map(asEndpointEvent) : null;
  }, 120_000);
  await eventually(
    async () => (await Promise.all(o.failing.map(o.statusOf))).every((s) => s.failure_count >= o.threshold + o.checksPastThreshold),
    60_000,
  );
  const allEvents = await o.db
    .select()
    .from(events)
    .where(
      inArray(
        events.endpointId,
        [...o.failing, o.healthy].map((c) => c.endpoint_id),
      ),
    );
  assert.equal(
    allEvents.length,
    o.failing.length,
    `exactly one event per failing endpoint, none for the healthy one: ${allEvents.map((e) => e.type)}`,
  );
  for (const [i, c] of o.failing.entries()) {
    const mine = downs.filter((e) => e.endpointId === c.endpoint_id);
    assert.equal(mine.length, 1, `${c.name}: one endpoint.down`);
    assert.equal(mine[0]!.type, 'endpoint.down');
    assert.equal(mine[0]!.data.failure_count, o.threshold, `${c.name}: down at the threshold`);
    // (payloads carry second precision)
    assert.equal(mine[0]!.data.first_failure, isoSecondsOrNull(o.before[i]!.first_failure), `${c.name}: ${o.streakMessage}`);
  }
  return downs;
}

/** Waits until exactly the expected events have a succeeded delivery through the webhook; answers those rows. */
export async function allDeliveriesSucceeded(db: Db, webhookId: string, expectedIds: Set<string>) {
  const rows = await eventually(async () => {
    const r = await db.select().from(deliveries).where(eq(deliveries.webhookId, webhookId));
    return r.length === expectedIds.size && r.every((d) => d.state === 'succeeded') ? r : null;
  }, 120_000);
  assert.deepEqual(new Set(rows.map((r) => r.eventId)), expectedIds);
  return rows;
}
