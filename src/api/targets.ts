// Create-time SSRF check that needs DNS: a name that resolves to a blocked address is refused now,
// and again at connect time by the guarded request (so a later DNS change does not get through).
import { isBlockedAddress } from '../net/address-policy.ts';
import { systemResolver, type Resolver } from '../net/resolver.ts';
import { validation } from './errors.ts';

export async function assertResolvedTargetAllowed(
  url: string,
  field: string,
  opts: { allowPrivate: boolean; resolver?: Resolver },
): Promise<void> {
  if (opts.allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = await (opts.resolver ?? systemResolver)(host);
  } catch {
    // Unresolvable now is not proof of danger; the connect-time guard decides when it resolves.
    return;
  }
  const blocked = addresses.find((a) => isBlockedAddress(a));
  if (blocked) throw validation(field, `host ${host} resolves to ${blocked}, a private or reserved address, which is not allowed`);
}
