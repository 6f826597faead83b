import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTemporalBinary, INSTALL_COMMAND, resolveTemporalBinary, TOOLS_BIN_DIR } from '../../src/tooling/binaries.ts';

async function fakeBinary(dir: string, name: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, '#!/bin/sh\nexit 0\n');
  await chmod(p, 0o755);
  return p;
}

test('an explicit TEMPORAL_CLI_PATH wins over PATH', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bin-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const explicit = await fakeBinary(dir, 'my-temporal');
  const onPath = await mkdtemp(join(tmpdir(), 'path-'));
  t.after(() => rm(onPath, { recursive: true, force: true }));
  await fakeBinary(onPath, 'temporal');
  assert.equal(findTemporalBinary('temporal', { TEMPORAL_CLI_PATH: explicit, PATH: onPath }), explicit);
});

test('an explicit path that is not executable is an error, not a silent fallback', async () => {
  assert.equal(findTemporalBinary('temporal-test-server', { TEMPORAL_TEST_SERVER_PATH: '/nonexistent/tts', PATH: '' }), null);
});

test('PATH is searched before the tools folder', async (t) => {
  const onPath = await mkdtemp(join(tmpdir(), 'path-'));
  t.after(() => rm(onPath, { recursive: true, force: true }));
  const p = await fakeBinary(onPath, 'temporal-test-server');
  assert.equal(findTemporalBinary('temporal-test-server', { PATH: `/nonexistent:${onPath}` }), p);
});

test('the tools folder is the last resort', () => {
  const found = findTemporalBinary('temporal', { PATH: '/nonexistent' });
  // `npm test` installs the binaries before any test runs, so the tools folder holds them here.
  assert.equal(found, join(TOOLS_BIN_DIR, 'temporal'));
});

test('a missing binary is a clear error that names the install command', () => {
  assert.throws(
    () => resolveTemporalBinary('temporal', { TEMPORAL_CLI_PATH: '/nonexistent/temporal' }),
    (err: Error) => err.message.includes(INSTALL_COMMAND) && err.message.includes('TEMPORAL_CLI_PATH'),
  );
});
