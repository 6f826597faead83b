// Webhooks of one account: lookups, the cursor list and writes.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { webhooks } from '../schema/index.ts';
import { type ApiFields, fieldMap, isoOrNull, timestamps, toApiFields, toColumns } from './fields.ts';
import { type ListWindow, scopedTable } from './scoped.ts';

export type WebhookRow = typeof webhooks.$inferSelect;

export const WEBHOOK_FIELDS = fieldMap<WebhookRow>()(['url', 'events', 'headers', 'enabled', 'format', 'template', 'description'], {
  content_type: 'contentType',
  group_id: 'groupId',
  disable_after_failed_deliveries: 'disableAfterFailedDeliveries',
});

export type WebhookFields = ApiFields<WebhookRow, typeof WEBHOOK_FIELDS>;

/** Header values are write-only: mask is how the API shows them (src/api/header-mask.ts). */
export function webhookToJson(r: WebhookRow, mask: (headers: Record<string, string>) => Record<string, string>) {
  return {
    id: r.id,
    ...toApiFields(WEBHOOK_FIELDS, r),
    headers: mask(r.headers),
    consecutive_failed_deliveries: r.consecutiveFailedDeliveries,
    secret_rotated_at: isoOrNull(r.secretRotatedAt),
    ...timestamps(r),
  };
}

export function webhookRepo(db: Db, accountId: string) {
  const base = scopedTable(db, webhooks, accountId, { softDeleted: webhooks.deletedAt });
  return {
    find: (id: string) => base.find(id),
    list: (w: ListWindow) => base.list(w),
    /** The webhook even when deleted (a delivery's retry says which it is). */
    async findIncludingDeleted(id: string) {
      const [row] = await db
        .select({ id: webhooks.id, enabled: webhooks.enabled, deletedAt: webhooks.deletedAt })
        .from(webhooks)
        .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)));
      return row;
    },
    async create(fields: WebhookFields, secretEncrypted: string): Promise<WebhookRow> {
      const [row] = await db
        .insert(webhooks)
        .values({
          id: newId('wh'),
          accountId,
          ...(toColumns<WebhookRow, typeof WEBHOOK_FIELDS>(WEBHOOK_FIELDS, fields) as Pick<WebhookRow, 'url' | 'events'>),
          secretEncrypted,
        })
        .returning();
      return row!;
    },
    /** Switching a webhook on again starts its streak of failed deliveries from zero (docs/BEHAVIOUR.md, "Failure alerts"). */
    update: (id: string, fields: Partial<WebhookFields>, opts: { reenabled: boolean }) =>
      base.update(id, { ...toColumns(WEBHOOK_FIELDS, fields), ...(opts.reenabled && { consecutiveFailedDeliveries: 0 }) }),
    softDelete: (id: string) => base.update(id, { deletedAt: new Date(), enabled: false }),
    /** The old secret keeps signing for 24 h so receivers can switch without a gap. */
    rotateSecret: (cur: WebhookRow, secretEncrypted: string) =>
      base.update(cur.id, { secretEncrypted, previousSecretEncrypted: cur.secretEncrypted, secretRotatedAt: new Date() }),
  };
}
