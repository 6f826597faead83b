import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, tstz, updatedAt } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';

/** What a maintenance window applies to: every endpoint of the account, the endpoints of some groups, or some endpoints. */
export type MaintenanceScope = 'account' | 'groups' | 'endpoints';

// docs/BEHAVIOUR.md, "Maintenance windows". One-off: starts_at/ends_at; recurring: rrule + dtstart (local wall-clock
// time in `timezone`) + duration_sec. The other kind's columns are null.
export const maintenanceWindows = pgTable(
  'maintenance_windows',
  {
    ...accountOwnedKeys(),
    name: text('name').notNull(),
    startsAt: tstz('starts_at'),
    endsAt: tstz('ends_at'),
    rrule: text('rrule'),
    dtstart: text('dtstart'),
    durationSec: integer('duration_sec'),
    timezone: text('timezone'),
    scope: text('scope').$type<MaintenanceScope>().notNull(),
    // ids of the account's groups or endpoints (scope groups / endpoints); checked on every write
    groupIds: jsonb('group_ids').$type<string[]>().notNull().default([]),
    endpointIds: jsonb('endpoint_ids').$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('maintenance_windows_account_idx').on(t.accountId, t.id)],
);
