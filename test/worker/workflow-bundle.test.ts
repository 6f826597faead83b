// The prebuilt workflow bundle (scripts/build-workflows.ts, src/worker/workflow-bundle.ts), on a copy of the
// project's src/ in a temporary folder (node_modules linked), so the test can edit workflow sources without
// touching the working tree: a fresh build is current, an edit makes it stale and the worker falls back to
// bundling at start, and a real Worker runs a workflow from the prebuilt file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { buildWorkflows } from '../../scripts/build-workflows.ts';
import { bundlePaths, checkPrebuiltBundle, workflowCodeOption } from '../../src/worker/workflow-bundle.ts';
import { PROJECT_ROOT } from '../../src/project-root.ts';

let root: string;
const quiet = () => {};

before(() => {
  root = mkdtempSync(join(tmpdir(), 'vanta-workflow-bundle-'));
  cpSync(join(PROJECT_ROOT, 'src'), join(root, 'src'), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  // One trivial workflow beside the product's, so a worker can run something from the bundle without a database.
  writeFileSync(
    join(root, 'src/workflows/bundle-smoke.ts'),
    'export async function bundleSmokeWorkflow(name: string): Promise<string> {\n  return `bundled ${name}`;\n}\n',
  );
  appendFileSync(join(root, 'src/workflows/index.ts'), "export { bundleSmokeWorkflow } from './bundle-smoke.ts';\n");
});

after(() => rmSync(root, { recursive: true, force: true }));

async function optionWithLog(): Promise<{ option: Awaited<ReturnType<typeof workflowCodeOption>>; lines: string[] }> {
  const lines: string[] = [];
  const option = await workflowCodeOption((m) => lines.push(m), { root });
  return { option, lines };
}

test('without a build the worker falls back to bundling at start and says once how to build', async () => {
  const check = await checkPrebuiltBundle(root);
  assert.equal(check.ok, false);
  assert.equal(!check.ok && check.reason, 'missing');
  const { option, lines } = await optionWithLog();
  assert.deepEqual(option, { workflowsPath: bundlePaths(root).entry });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /missing.*npm run build:workflows/);
});

test('a fresh build matches the current sources, is used as is, and is not rebuilt', async () => {
  const { built, manifest } = await buildWorkflows({ root, force: true, log: quiet });
  assert.equal(built, true);
  assert.ok(manifest.sources.includes('src/workflows/index.ts'));
  assert.ok(manifest.sources.includes('src/workflows/bundle-smoke.ts'));
  assert.ok(manifest.packages.includes('@temporalio/workflow/package.json'), JSON.stringify(manifest.packages));
  assert.ok(!manifest.sources.some((s) => s.startsWith('src/activities/')), 'activities are imported as types only');

  const check = await checkPrebuiltBundle(root);
  assert.equal(check.ok, true, check.ok ? '' : check.detail);
  const { option, lines } = await optionWithLog();
  assert.deepEqual(option, { workflowBundle: { codePath: bundlePaths(root).bundle } });
  assert.deepEqual(lines, []);
  assert.equal((await buildWorkflows({ root, log: quiet })).built, false);
});

test('editing a bundled workflow source makes the bundle stale and the worker falls back to bundling at start', async () => {
  await buildWorkflows({ root, log: quiet });
  appendFileSync(join(root, 'src/workflows/delivery.ts'), '\n// edited after the build\n');
  const check = await checkPrebuiltBundle(root);
  assert.equal(!check.ok && check.reason, 'stale');
  const { option, lines } = await optionWithLog();
  assert.deepEqual(option, { workflowsPath: bundlePaths(root).entry });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /changed since it was built.*npm run build:workflows/);

  assert.equal((await buildWorkflows({ root, log: quiet })).built, true, 'a stale bundle is rebuilt without --force');
  assert.equal((await checkPrebuiltBundle(root)).ok, true);
});

test('a new file where workflow code lives, or a bundle file that does not match its manifest, is stale too', async () => {
  await buildWorkflows({ root, log: quiet });
  writeFileSync(join(root, 'src/domain/new-helper.ts'), 'export const x = 1;\n');
  assert.equal((await checkPrebuiltBundle(root)).ok, false, 'a new file in src/domain');
  await buildWorkflows({ root, log: quiet });
  assert.equal((await checkPrebuiltBundle(root)).ok, true);

  const { bundle } = bundlePaths(root);
  writeFileSync(bundle, readFileSync(bundle, 'utf8') + '\n// tampered\n');
  const check = await checkPrebuiltBundle(root);
  assert.equal(!check.ok && check.detail, 'the bundle file does not match its manifest');
});

test('a real Worker loads the prebuilt bundle from its path and runs a workflow from it', async (t) => {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEST_TEMPORAL_ADDRESS is not set: run the suite with `npm test`, which provisions it');
  await buildWorkflows({ root, log: quiet });
  const option = await workflowCodeOption(quiet, { root });
  assert.ok('workflowBundle' in option);

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const native = await NativeConnection.connect({ address });
  t.after(() => native.close());
  const connection = await Connection.connect({ address });
  t.after(() => connection.close());
  const taskQueue = `bundle-${randomBytes(4).toString('hex')}`;
  // one activity, only so the SDK does not warn that it has none to poll for
  const worker = await Worker.create({
    connection: native,
    namespace: 'default',
    taskQueue,
    activities: { noop: async () => {} },
    ...option,
  });
  const client = new Client({ connection, namespace: 'default' });
  const result = await worker.runUntil(
    client.workflow.execute('bundleSmokeWorkflow', {
      taskQueue,
      workflowId: `bundle-smoke-${randomBytes(4).toString('hex')}`,
      args: ['ok'],
    }),
  );
  assert.equal(result, 'bundled ok');
});
