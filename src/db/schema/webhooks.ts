import { boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { EventType, WebhookFormat } from '../../domain/types.ts';
import { createdAt, tstz, updatedAt } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';
import { groups } from './groups.ts';

export const webhooks = pgTable(
  'webhooks',
  {
    ...accountOwnedKeys(),
    // null: every endpoint of the account
    groupId: text('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: jsonb('events').$type<EventType[]>().notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    format: text('format').$type<WebhookFormat>().notNull().default('vantastatus'),
    // format template: the Mustache body template (src/domain/template.ts) and the body's Content-Type
    template: text('template'),
    contentType: text('content_type').notNull().default('application/json'),
    description: text('description'),
    // null: never switched off automatically; n: switched off after n consecutive failed deliveries
    disableAfterFailedDeliveries: integer('disable_after_failed_deliveries'),
    // failed deliveries since the last success (or since it was switched on again); docs/BEHAVIOUR.md, "Failure alerts"
    consecutiveFailedDeliveries: integer('consecutive_failed_deliveries').notNull().default(0),
    // AES-256-GCM under the master key; the clear secret is shown once and never stored
    secretEncrypted: text('secret_encrypted').notNull(),
    previousSecretEncrypted: text('previous_secret_encrypted'),
    secretRotatedAt: tstz('secret_rotated_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: tstz('deleted_at'),
  },
  (t) => [index('webhooks_account_idx').on(t.accountId, t.id)],
);
