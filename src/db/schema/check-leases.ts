import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';

// Which worker boot holds each endpoint's check loop, with the attempt's task token, so a dead boot's loops can be
// failed over at once (by a restarted worker, or by a peer when the boot stops renewing check_workers.last_seen)
// instead of waiting for an activity timeout. No foreign key: a lease may outlive its endpoint by a few seconds.
export const checkLeases = pgTable(
  'check_leases',
  {
    endpointId: text('endpoint_id').primaryKey(),
    leaseId: text('lease_id').notNull(),
    bootId: text('boot_id').notNull(),
    taskToken: text('task_token').notNull(),
    startedAt: tstz('started_at').notNull(),
  },
  (t) => [index('check_leases_boot_idx').on(t.bootId)],
);
