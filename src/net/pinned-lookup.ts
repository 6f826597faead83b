// A `lookup` for net/tls that answers with addresses the SSRF policy already approved. Keeping the original
// host name in the request (instead of an IP) is what lets node send SNI and verify the certificate against
// that name, while the socket can only ever reach an approved address: no second DNS query, no rebinding.
import { isIP, type LookupFunction } from 'node:net';
import type { LookupAddress } from 'node:dns';

function wantedFamily(family: number | 'IPv4' | 'IPv6' | undefined): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

export function pinnedLookup(approved: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = wantedFamily(options.family);
    const entries: LookupAddress[] = approved
      .map((address) => ({ address, family: isIP(address) }))
      .filter((e) => e.family !== 0 && (family === 0 || e.family === family));
    const first = entries[0];
    if (!first) {
      const err: NodeJS.ErrnoException = new Error(`no approved IPv${family} address for ${hostname}`);
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
      return;
    }
    // With autoSelectFamily (node 20's default) net asks for every address and races the families itself.
    if (options.all) callback(null, entries);
    else callback(null, first.address, first.family);
  };
}
