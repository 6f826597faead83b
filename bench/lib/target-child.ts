// The loopback targets of the peer benchmark, run as a child process (bench/lib/targets.ts forks it) so that serving
// them is not counted in the CPU of the bench process. GET /t/<i> answers 200 "ok", or 502 once target i has been
// flipped. Every hit is timestamped; for flipped targets, the time each 502 finished is kept too.
// The parent talks over IPC: { id, op, ... } → { id, result }.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const hits = new Map<number, number[]>();
const failing = new Set<number>();
const failures = new Map<number, number[]>(); // target → when each 502 finished

const server = createServer((req, res) => {
  const i = Number(req.url?.split('/')[2]);
  const now = Date.now();
  let l = hits.get(i);
  if (!l) hits.set(i, (l = []));
  l.push(now);
  if (!failing.has(i)) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  res.on('finish', () => {
    let f = failures.get(i);
    if (!f) failures.set(i, (f = []));
    f.push(Date.now());
  });
  res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
});
server.keepAliveTimeout = 5_000;

type Msg =
  | { id: number; op: 'fail'; targets: number[] }
  | { id: number; op: 'seen'; since: number }
  | { id: number; op: 'checks'; from: number; to: number }
  | { id: number; op: 'failures' };

function answer(m: Msg): unknown {
  switch (m.op) {
    case 'fail':
      for (const i of m.targets) failing.add(i);
      return Date.now();
    case 'seen': {
      let n = 0;
      for (const l of hits.values()) if (l.length > 0 && l[l.length - 1]! >= m.since) n++;
      return n;
    }
    case 'checks': {
      let n = 0;
      for (const l of hits.values()) for (const t of l) if (t >= m.from && t < m.to) n++;
      return n;
    }
    case 'failures':
      return Object.fromEntries(failures);
  }
}

process.on('message', (m: Msg) => process.send!({ id: m.id, result: answer(m) }));
// the parent going away (even by SIGKILL) closes the IPC channel: stop with it
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', 1024, () => process.send!({ ready: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
