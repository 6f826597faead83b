// The console's API types are the server's: web/src/api-types.ts is what `npm run build:web` generates from the
// OpenAPI document the API serves, so a schema change that was not regenerated (and committed) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_TYPES, renderApiTypes } from '../../scripts/build-web.ts';

test('web/src/api-types.ts is generated from the current OpenAPI document (run `npm run build:web` and commit it)', async () => {
  assert.equal(readFileSync(API_TYPES, 'utf8'), await renderApiTypes());
});
