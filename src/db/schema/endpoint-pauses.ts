import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';
import { endpoints } from './endpoints.ts';

// One row per pause of an endpoint, written in the same transaction as the endpoint's `paused` flag
// (src/db/repos/pause-periods.ts); resumed_at is null while it is paused. Uptime leaves these periods out.
export const endpointPauses = pgTable(
  'endpoint_pauses',
  {
    ...accountOwnedKeys(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    pausedAt: tstz('paused_at').notNull(),
    resumedAt: tstz('resumed_at'),
  },
  (t) => [index('endpoint_pauses_endpoint_idx').on(t.endpointId, t.pausedAt)],
);
