import { index, integer, pgTable, text, unique, bigserial } from 'drizzle-orm/pg-core';
import { createdAt, tstz } from './columns.ts';

export type IdempotencyState = 'in_progress' | 'completed';

// One row per Idempotency-Key the API has seen (docs/BEHAVIOUR.md, "Idempotent creation"). The unique (scope, key)
// constraint is the idempotency: the first request inserts its row (ON CONFLICT DO NOTHING) and runs; any other
// finds the row and replays, conflicts or waits. scope is the account id, or `admin` for POST /v1/accounts, so it
// is not a foreign key. Rows are swept 24 h after created_at.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    /** the request's path, ids included (the same key on another resource is another request) */
    path: text('path').notNull(),
    /** SHA-256 (hex) of the canonical JSON of the validated body */
    requestHash: text('request_hash').notNull(),
    state: text('state').$type<IdempotencyState>().notNull().default('in_progress'),
    responseStatus: integer('response_status'),
    /** the first answer's body, sealed with the master key (it may carry a secret shown once); null when too large */
    responseBody: text('response_body'),
    createdAt: createdAt(),
    completedAt: tstz('completed_at'),
  },
  (t) => [
    unique('idempotency_keys_scope_key_uq').on(t.scope, t.key),
    index('idempotency_keys_created_idx').on(t.createdAt),
    index('idempotency_keys_scope_created_idx').on(t.scope, t.createdAt),
  ],
);
