// Rows for tests that start below the API: an account, a webhook with a known secret, a stored event.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/client.ts';
import { events, groups, webhooks } from '../../src/db/schema/index.ts';
import type { SecretCipher } from '../../src/security/secret-box.ts';
import type { AnyEventData, DeliverySettings, EventData, EventType } from '../../src/domain/types.ts';
import { generateWebhookSecret } from '../../src/security/signing.ts';
import { createAccount } from '../../src/services/accounts.ts';

export async function seedAccount(db: Db, settings?: Partial<DeliverySettings>) {
  return (await createAccount(db, { name: `acct-${randomBytes(3).toString('hex')}`, settings })).account;
}

export async function seedGroup(db: Db, accountId: string, settings: Partial<DeliverySettings>) {
  const id = `grp_${randomBytes(8).toString('hex')}`;
  await db.insert(groups).values({ id, accountId, name: id, settings });
  return id;
}

export async function seedWebhook(
  db: Db,
  secrets: SecretCipher,
  o: {
    accountId: string;
    url: string;
    groupId?: string | null;
    events?: EventType[];
    format?: 'vantastatus' | 'slack';
    disableAfterFailedDeliveries?: number | null;
    description?: string | null;
  },
) {
  const secret = generateWebhookSecret();
  const id = `wh_${randomBytes(8).toString('hex')}`;
  await db.insert(webhooks).values({
    id,
    accountId: o.accountId,
    groupId: o.groupId ?? null,
    url: o.url,
    events: o.events ?? ['endpoint.down', 'endpoint.up'],
    format: o.format ?? 'vantastatus',
    disableAfterFailedDeliveries: o.disableAfterFailedDeliveries ?? null,
    description: o.description ?? null,
    secretEncrypted: secrets.encrypt(secret),
  });
  return { id, secret };
}

/** A stored event whose time is `at` (second precision, as events are). */
export async function seedEvent(db: Db, accountId: string, at: Date, type: EventType = 'endpoint.down') {
  const id = `wh_evt_${randomBytes(16).toString('hex')}`;
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000);
  await db.insert(events).values({
    id,
    accountId,
    endpointId: null,
    type,
    timestamp,
    data: {
      endpoint_id: 'ep_test',
      endpoint_name: 'Fixture endpoint',
      url: 'https://example.test/health',
      previous_status: 'up',
      current_status: 'down',
      last_success: null,
      first_failure: timestamp.toISOString(),
      failure_count: 3,
      last_response_code: 502,
      last_response_time_ms: null,
      check_interval_sec: 60,
      group: null,
    },
  });
  return { id, timestamp };
}

/** A stored event row selected by its endpoint, with `data` typed as an endpoint event's (checked, not assumed). */
export function asEndpointEvent<R extends { data: AnyEventData }>(row: R): Omit<R, 'data'> & { data: EventData } {
  const { data } = row;
  assert.ok('endpoint_id' in data, `an endpoint event: ${JSON.stringify(data)}`);
  return { ...row, data };
}
