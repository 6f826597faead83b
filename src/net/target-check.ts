// Create-time SSRF check with DNS (docs/BEHAVIOUR.md, "SSRF"): a URL whose host resolves to a blocked address is
// refused when it is saved, and again at connect time by guardedRequest, the barrier that matters (so a later DNS
// change does not get through). This check only gives the user an early, precise 400.
import { blockedReason, checkUrlTarget, type UrlTargetCheck } from './address-policy.ts';
import { bareAddress } from './ip.ts';
import { systemResolver, type Resolver } from './resolver.ts';

/** How long an API request waits for the create-time resolution. */
export const TARGET_DNS_TIMEOUT_MS = 5000;

export async function checkResolvedUrlTarget(
  url: string,
  opts: { allowPrivate: boolean; requireHttps: boolean; resolver?: Resolver; timeoutMs?: number },
): Promise<UrlTargetCheck> {
  const syntax = checkUrlTarget(url, opts);
  if (!syntax.ok || opts.allowPrivate) return syntax;
  const host = bareAddress(new URL(url).hostname);
  const timeoutMs = opts.timeoutMs ?? TARGET_DNS_TIMEOUT_MS;
  let addresses: string[];
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = Symbol('gave up');
  try {
    // An API request must not hang on slow DNS.
    const deadline = new Promise<typeof gaveUp>((resolve) => {
      timer = setTimeout(() => resolve(gaveUp), timeoutMs);
    });
    const answer = await Promise.race([(opts.resolver ?? systemResolver)(host), deadline]);
    if (answer === gaveUp) {
      // Not known to be safe: refuse now (the user can simply try again) rather than save a target never checked.
      return { ok: false, field_error: `host ${host} did not resolve within ${timeoutMs / 1000} s; try again later` };
    }
    addresses = answer;
  } catch {
    // A name that does not exist (yet) has no address to be private: every check and delivery re-resolves and
    // re-checks it at connect time.
    return { ok: true };
  } finally {
    clearTimeout(timer);
  }
  for (const address of addresses) {
    const reason = blockedReason(address);
    if (reason) return { ok: false, field_error: `host ${host} resolves to ${address}, a ${reason} address, which is not allowed` };
  }
  return { ok: true };
}
