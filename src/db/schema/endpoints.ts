import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { Assertion } from '../../domain/assertions.ts';
import type { CheckTarget } from '../../domain/check-target.ts';
import type { EndpointType, HttpMethod } from '../../domain/types.ts';
import { createdAt, tstz, updatedAt } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';
import { groups } from './groups.ts';

export const endpoints = pgTable(
  'endpoints',
  {
    ...accountOwnedKeys(),
    groupId: text('group_id').references(() => groups.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    type: text('type').$type<EndpointType>().notNull().default('http'),
    url: text('url'),
    // tcp, tls and dns: what is checked (src/domain/check-target.ts); null for http and push
    target: jsonb('target').$type<CheckTarget>(),
    method: text('method').$type<HttpMethod>().notNull().default('GET'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    expectedStatus: jsonb('expected_status').$type<string[]>().notNull(),
    checkIntervalSec: integer('check_interval_sec').notNull(),
    timeoutMs: integer('timeout_ms').notNull(),
    failureThreshold: integer('failure_threshold').notNull(),
    degradedThresholdMs: integer('degraded_threshold_ms').notNull(),
    certificateExpiryDays: jsonb('certificate_expiry_days').$type<number[]>().notNull(),
    trackDns: boolean('track_dns').notNull(),
    trackBody: boolean('track_body').notNull(),
    // null means the default, 2 × interval
    heartbeatTimeoutSec: integer('heartbeat_timeout_sec'),
    paused: boolean('paused').notNull().default(false),
    // content assertions on http checks (docs/BEHAVIOUR.md, "Content assertions"); empty for push endpoints
    assertions: jsonb('assertions').$type<Assertion[]>().notNull().default([]),
    // lower-case labels (docs/BEHAVIOUR.md, "Tags"); the list filters on them with @>, which the GIN index serves
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // soft delete: the event log and deliveries keep pointing at the endpoint
    deletedAt: tstz('deleted_at'),
  },
  (t) => [index('endpoints_account_idx').on(t.accountId, t.id), index('endpoints_tags_idx').using('gin', t.tags)],
);
