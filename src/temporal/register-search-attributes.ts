// Registers the custom search attributes through the operator API. The dev server gets them from its CLI
// flags and docker-compose from a job; this is for servers started by code (the time-skipping test server).
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from './search-attributes.ts';

const KEYWORD = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(Object.keys(CUSTOM_SEARCH_ATTRIBUTES).map((name) => [name, KEYWORD]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    // ALREADY_EXISTS (6): a second registration is a no-op
    if ((err as { code?: number }).code !== 6) throw err;
  }
}
