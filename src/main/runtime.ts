// Shared start-up pieces for the three entry points (embedded, api, worker).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../config/config.ts';
import { openPglite, openPostgres, type Database } from '../db/client.ts';
import { createSecretBox, loadOrCreateKeyFile, parseMasterKey } from '../security/secret-box.ts';
import type { SecretCipher } from '../security/secret-box.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { createPayloadCodec, vantaDataConverter, type VantaPayloadCodec } from '../temporal/payload-codec.ts';
import type { Shutdown } from './shutdown.ts';

export const VERSION: string = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
export const USER_AGENT = `VantaStatus-Webhooks/${VERSION}`;

export async function openDatabase(config: AppConfig, opts: { embedded: boolean }): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  if (!opts.embedded) throw new Error('DATABASE_URL is required outside embedded mode (npm start)');
  return openPglite(join(config.dataDir, 'pglite'));
}

export async function loadMasterKey(config: AppConfig, opts: { embedded: boolean }): Promise<Buffer> {
  if (config.masterKey) return parseMasterKey(config.masterKey);
  if (!opts.embedded) throw new Error('VANTA_MASTER_KEY is required outside embedded mode (64 hex characters: openssl rand -hex 32)');
  return loadOrCreateKeyFile(join(config.dataDir, 'master.key'));
}

export async function loadSecrets(config: AppConfig, opts: { embedded: boolean }): Promise<SecretCipher> {
  return createSecretBox(await loadMasterKey(config, opts));
}

/** The Temporal payload codec (src/temporal/payload-codec.ts), keyed from the same master key as the secret box. */
export async function loadPayloadCodec(config: AppConfig, opts: { embedded: boolean }): Promise<VantaPayloadCodec> {
  return createPayloadCodec(await loadMasterKey(config, opts));
}

/** Every client of the product encrypts its payloads: pass the codec (loadPayloadCodec). */
export async function connectClient(address: string, namespace: string, codec: VantaPayloadCodec): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace, dataConverter: vantaDataConverter(codec) });
}

/**
 * What `npm run api` and `npm run worker` both open first: PostgreSQL, the secret box and payload codec from
 * VANTA_MASTER_KEY, and a Temporal client; each closed by `shutdown` in reverse order.
 */
export async function openProductionServices(config: AppConfig & { temporalAddress: string }, shutdown: Shutdown) {
  const database = await openDatabase(config, { embedded: false });
  shutdown.add(() => database.close());
  const secrets = await loadSecrets(config, { embedded: false });
  const codec = await loadPayloadCodec(config, { embedded: false });
  const client = await connectClient(config.temporalAddress, config.temporalNamespace, codec);
  shutdown.add(() => client.connection.close());
  return { database, secrets, codec, client };
}
