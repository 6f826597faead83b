// The embedded product's Temporal dev server killed with kill -9 (a crash, an out-of-memory kill): npm start starts
// it again on the same ports and history, /readyz tells the truth meanwhile, and work goes on; when it cannot be
// started again, the product exits non-zero with a clear message instead of serving an API whose checks and
// deliveries have stopped. (kill -9 of the Node side: test/main/embedded-restart.test.ts.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { descendants, isAlive } from '../helpers/process-tree.ts';
import { eventually, startReceiver, startTarget } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};
const devServerOf = (p: RunningProduct) => descendants(p.child.pid!).find((pid) => cmdline(pid).includes('start-dev'));
const readyz = async (p: RunningProduct) => (await fetch(`${p.api}/readyz`)).status;

/** Binds the port as soon as the killed server has let it go (within the supervisor's first 1 s back-off). */
async function takePort(port: number): Promise<Server> {
  const deadline = Date.now() + 900;
  for (;;) {
    // The product's gRPC clients reconnect to whatever listens there: close their sockets with the server.
    const server = createServer((socket) => socket.destroy());
    try {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      return server;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

test(
  'a dev server killed with kill -9 is started again: /readyz answers 503 meanwhile, then 200, and alerts still go out',
  { timeout: 240_000 },
  async (t) => {
    const product = await startProduct();
    cleanups.push(() => product.stop());
    const target = await startTarget({ status: 200 });
    const receiver = await startReceiver(200);
    cleanups.push(
      () => target.close(),
      () => receiver.close(),
    );
    const headers = { authorization: `Bearer ${product.apiKey}`, 'content-type': 'application/json' };
    assert.equal(
      (
        await fetch(`${product.api}/v1/webhooks`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ url: receiver.url, events: ['endpoint.down'] }),
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await fetch(`${product.api}/v1/endpoints`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'e', url: target.url, failure_threshold: 1, check_interval_sec: 10 }),
        })
      ).status,
      201,
    );

    const first = devServerOf(product)!;
    assert.ok(first);
    // The restart takes about two seconds, less than a readiness probe's own deadline: to see the outage from outside,
    // hold the port for a while, so the first restart fails and the product stays without its server meanwhile.
    process.kill(first, 'SIGKILL');
    const killedAt = Date.now();
    const squatter = await takePort(product.place.temporalPort);
    const during = await eventually(async () => ((await readyz(product)) === 503 ? Date.now() : null), 10_000, 100);
    await new Promise<void>((r) => squatter.close(() => r()));
    const second = await eventually(
      async () => {
        const pid = devServerOf(product);
        return pid !== undefined && pid !== first && (await readyz(product)) === 200 && pid;
      },
      60_000,
      200,
    );
    t.diagnostic(
      `dev server ${first} killed; /readyz 503 after ${during - killedAt} ms; ${second} serving and /readyz 200 again after ${Date.now() - killedAt} ms`,
    );
    assert.match(product.output(), new RegExp(`the Temporal dev server \\(pid ${first}\\) died`));
    assert.match(product.output(), /starting the Temporal dev server again failed/);
    // /readyz turns 200 as soon as the new server answers, which can be a moment before the supervisor, still
    // finishing its own start-up checks, logs that the server is back
    await eventually(async () => /the Temporal dev server is back/.test(product.output()), 15_000, 100);

    // The workflows live on in the restarted server: a flip now is decided, stored and delivered.
    target.status = 502;
    const [req] = await receiver.waitFor(1, 90_000);
    assert.equal(JSON.parse(req!.rawBody.toString()).event, 'endpoint.down');
  },
);

test(
  'a dev server that cannot be started again (its port was taken) makes npm start exit 1 with a clear message',
  { timeout: 180_000 },
  async () => {
    const product = await startProduct();
    cleanups.push(() => product.stop());
    const dev = devServerOf(product)!;
    const exited = new Promise<number | null>((resolve) => product.child.once('exit', (code) => resolve(code)));
    process.kill(dev, 'SIGKILL');
    // Someone else takes the gRPC port before the first restart (1 s later) and keeps it.
    const squatter = await takePort(product.place.temporalPort);
    cleanups.push(() => new Promise((r) => squatter.close(r)));
    assert.equal(await exited, 1);
    assert.match(
      product.output(),
      /giving up: the Temporal dev server could not be kept running \(deaths in the last 10 minutes: 1; failed restarts: 4\)/,
    );
    assert.match(product.output(), /starting the Temporal dev server again failed/);
    assert.deepEqual(descendants(product.child.pid!).filter(isAlive), [], 'nothing of it is left running');
  },
);
