import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { DeliverySettings } from '../../domain/types.ts';
import { createdAt, updatedAt } from './columns.ts';

export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<DeliverySettings>().notNull(),
  // SHA-256 of the incoming-webhook token; the token itself is shown once and never stored.
  incomingTokenHash: text('incoming_token_hash').unique(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
