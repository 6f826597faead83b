// A tiny authoritative DNS server on 127.0.0.1 (UDP, a free port) for dns checks: it answers A, AAAA, CNAME, MX, TXT
// and NS from a zone the test edits while it runs, NXDOMAIN for names it does not know, an empty answer for a known
// name without that type, and nothing at all while `silent` is set (a resolver that times out).
import { createSocket, type RemoteInfo } from 'node:dgram';
import { parseIPv6 } from '../../src/net/ip.ts';

const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 15: 'MX', 16: 'TXT', 28: 'AAAA' };

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, what a dns endpoint's `resolver` names */
  address: string;
  /** name (lower case, no trailing dot) → record type → values (MX as "10 mail.example.com") */
  zone: Map<string, Map<string, string[]>>;
  set(name: string, type: string, values: string[]): void;
  silent: boolean;
  /** how many queries arrived */
  queries: number;
  close(): Promise<void>;
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function rdata(type: string, value: string): Buffer {
  switch (type) {
    case 'A':
      return Buffer.from(value.split('.').map(Number));
    case 'AAAA':
      return Buffer.from(parseIPv6(value)!);
    case 'CNAME':
    case 'NS':
      return encodeName(value);
    case 'MX': {
      const [pref, exchange] = value.split(' ');
      const p = Buffer.alloc(2);
      p.writeUInt16BE(Number(pref));
      return Buffer.concat([p, encodeName(exchange!)]);
    }
    default: {
      const bytes = Buffer.from(value, 'utf8');
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length || i === 0; i += 255) {
        const c = bytes.subarray(i, i + 255);
        chunks.push(Buffer.from([c.length]), c);
      }
      return Buffer.concat(chunks);
    }
  }
}

function readQuestion(msg: Buffer): { name: string; qtype: number; end: number } | null {
  let i = 12;
  const labels: string[] = [];
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  if (i + 5 > msg.length) return null;
  return { name: labels.join('.').toLowerCase(), qtype: msg.readUInt16BE(i + 1), end: i + 5 };
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const server: TestDnsServer = {
    address: '',
    zone: new Map(),
    set(name, type, values) {
      const key = name.toLowerCase().replace(/\.$/, '');
      const types = server.zone.get(key) ?? new Map<string, string[]>();
      types.set(type, values);
      server.zone.set(key, types);
    },
    silent: false,
    queries: 0,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    server.queries++;
    if (server.silent || msg.length < 12) return;
    const q = readQuestion(msg);
    if (!q) return;
    const type = TYPES[q.qtype];
    const known = server.zone.get(q.name);
    const values = (type && known?.get(type)) || [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    // QR, AA, RD copied, RA; rcode 3 (NXDOMAIN) for an unknown name.
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(values.length, 6);
    const answers = values.map((v) => {
      const data = rdata(type!, v);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // the question's name
      rr.writeUInt16BE(q.qtype, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(5, 6);
      rr.writeUInt16BE(data.length, 10);
      return Buffer.concat([rr, data]);
    });
    socket.send(Buffer.concat([header, msg.subarray(12, q.end), ...answers]), from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  server.address = `127.0.0.1:${socket.address().port}`;
  return server;
}
