// Shared start-up pieces for the three entry points (embedded, api, worker).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../config/config.ts';
import { openPglite, openPostgres, type Database } from '../db/client.ts';
import { createSecretBox, loadOrCreateKeyFile, parseMasterKey } from '../security/secret-box.ts';
import type { SecretCipher } from '../activities/deps.ts';
import { PROJECT_ROOT } from '../temporal/binaries.ts';

export const VERSION: string = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
export const USER_AGENT = `VantaStatus-Webhooks/${VERSION}`;

export async function openDatabase(config: AppConfig, opts: { embedded: boolean }): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  if (!opts.embedded) throw new Error('DATABASE_URL is required outside embedded mode (npm start)');
  return openPglite(join(config.dataDir, 'pglite'));
}

export async function loadSecrets(config: AppConfig, opts: { embedded: boolean }): Promise<SecretCipher> {
  if (config.masterKey) return createSecretBox(parseMasterKey(config.masterKey));
  if (!opts.embedded) throw new Error('VANTA_MASTER_KEY is required outside embedded mode (64 hex characters: openssl rand -hex 32)');
  return createSecretBox(await loadOrCreateKeyFile(join(config.dataDir, 'master.key')));
}

export async function connectClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}
