// Node replaces its whole trust store, NODE_EXTRA_CA_CERTS included, as soon as a `ca` option is given
// (verified on node 20). Extra CAs must add to what an operator configured, never silently drop it, so the
// full list is rebuilt here. Node 20 has no tls.getCACertificates(), hence the manual read of the env file.
import { readFileSync } from 'node:fs';
import { rootCertificates, type SecureContextOptions } from 'node:tls';

let cachedEnvPath: string | undefined;
let cachedEnvCas: string[] = [];

function envExtraCas(): string[] {
  const path = process.env.NODE_EXTRA_CA_CERTS;
  if (!path) return [];
  if (path !== cachedEnvPath) {
    try {
      cachedEnvCas = [readFileSync(path, 'utf8')];
    } catch {
      // Node already warned about an unreadable file at startup; behave as it does and go on without it.
      cachedEnvCas = [];
    }
    cachedEnvPath = path;
  }
  return cachedEnvCas;
}

/** The `ca` option for a TLS connection: undefined keeps node's default store; otherwise default + env + extra. */
export function trustedCas(extra: SecureContextOptions['ca']): SecureContextOptions['ca'] {
  if (extra === undefined) return undefined;
  const list = Array.isArray(extra) ? extra : [extra];
  if (list.length === 0) return undefined;
  return [...rootCertificates, ...envExtraCas(), ...list];
}
