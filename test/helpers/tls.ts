// Test PKI made with the openssl CLI in a private temp dir, so no key material ever lives in the repository.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** notAfter of the server certificate (second precision, UTC). */
  validTo: Date;
  /** Removes the temp dir; the PEM strings stay usable. */
  cleanup(): Promise<void>;
}

export interface SelfSignedCert {
  certPem: string;
  keyPem: string;
  validTo: Date;
  cleanup(): Promise<void>;
}

// P-256 keys: generated in milliseconds, unlike RSA, and accepted by every TLS version node still speaks.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd, timeout: 30_000 });
}

function subjectAltName(hostnames: readonly string[]): string {
  return hostnames.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
}

function validToOf(certPem: string): Date {
  // Node 20's X509Certificate has no validToDate; its validTo text ("Mar  5 12:00:00 2027 GMT") parses in V8.
  const d = new Date(new X509Certificate(certPem).validTo);
  if (Number.isNaN(d.getTime())) throw new Error('cannot parse certificate validTo');
  return d;
}

async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vanta-pki-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A CA and a server certificate it signed for `hostnames` (DNS names or IP addresses, first one is the CN). */
export async function createTestPki(opts: { hostnames: string[]; days?: number }): Promise<TestPki> {
  if (opts.hostnames.length === 0) throw new Error('createTestPki needs at least one hostname');
  const days = String(opts.days ?? 30);
  const { dir, cleanup } = await tempDir();
  try {
    await openssl(dir, [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      days,
      '-subj',
      '/CN=VantaStatus Test CA/O=VantaStatus Tests',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await openssl(dir, [
      'req',
      '-new',
      ...EC_KEY,
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      `/CN=${opts.hostnames[0]}/O=VantaStatus Tests`,
    ]);
    await writeFile(
      join(dir, 'server.ext'),
      [
        `subjectAltName=${subjectAltName(opts.hostnames)}`,
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    await openssl(dir, [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      days,
      '-extfile',
      'server.ext',
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(['ca.pem', 'server.pem', 'server.key'].map((f) => readFile(join(dir, f), 'utf8')));
    return { caPem: caPem!, certPem: certPem!, keyPem: keyPem!, validTo: validToOf(certPem!), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** A self-signed server certificate (its own issuer), which verification must refuse. */
export async function createSelfSignedCert(opts: { hostnames: string[]; days?: number }): Promise<SelfSignedCert> {
  if (opts.hostnames.length === 0) throw new Error('createSelfSignedCert needs at least one hostname');
  const { dir, cleanup } = await tempDir();
  try {
    await openssl(dir, [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'self.key',
      '-out',
      'self.pem',
      '-days',
      String(opts.days ?? 30),
      '-subj',
      `/CN=${opts.hostnames[0]}/O=VantaStatus Tests`,
      '-addext',
      `subjectAltName=${subjectAltName(opts.hostnames)}`,
    ]);
    const [certPem, keyPem] = await Promise.all(['self.pem', 'self.key'].map((f) => readFile(join(dir, f), 'utf8')));
    return { certPem: certPem!, keyPem: keyPem!, validTo: validToOf(certPem!), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
