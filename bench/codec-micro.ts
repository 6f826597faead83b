// The payload codec's own cost (src/temporal/payload-codec.ts), without Temporal: CPU per encode and per decode
// of one payload at the sizes the product sends (a monitor config, a check-loop lease's input, a delivery's input,
// and larger), and the bytes it adds. Single-threaded, in this process: `node --import tsx bench/codec-micro.ts`.
// Multiply by the payloads a check, a lease or a delivery moves (see the report printed at the end) for a total.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { createPayloadCodec } from '../src/temporal/payload-codec.ts';

const codec = createPayloadCodec(randomBytes(32));
const sizes = [256, 1024, 4096, 16384, 65536];
const rows: Array<Record<string, string | number>> = [];

function timeIt(n: number, fn: () => void): number {
  for (let i = 0; i < Math.min(n, 2000); i++) fn();
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / n;
}

for (const size of sizes) {
  // JSON text of about `size` bytes, like a config with headers and settings
  const value = { headers: { Authorization: 'Bearer ' + 'x'.repeat(Math.max(0, size - 60)) }, n: 1 };
  const plain = defaultPayloadConverter.toPayload(value);
  const sealed = codec.encryptSync(plain);
  const n = size <= 4096 ? 50_000 : 5_000;
  const enc = timeIt(n, () => codec.encryptSync(plain));
  const dec = timeIt(n, () => codec.decryptSync(sealed));
  const plainBytes = (plain.data?.length ?? 0) + Object.entries(plain.metadata ?? {}).reduce((s, [k, v]) => s + k.length + v.length, 0);
  const sealedBytes = (sealed.data?.length ?? 0) + Object.entries(sealed.metadata ?? {}).reduce((s, [k, v]) => s + k.length + v.length, 0);
  rows.push({
    payload_bytes: plain.data?.length ?? 0,
    encode_us: +enc.toFixed(2),
    decode_us: +dec.toFixed(2),
    added_bytes: sealedBytes - plainBytes,
  });
}
console.table(rows);
console.log(JSON.stringify({ node: process.version, rows }));
