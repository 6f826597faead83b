// Create-time SSRF check with DNS (SPEC §6: refused "when created and again at connect time"). The connect-time
// guard in guardedRequest is the barrier that matters; this only gives the user an early, precise 400.
import { blockedReason, checkUrlTarget, type UrlTargetCheck } from './address-policy.ts';
import { bareAddress } from './ip.ts';
import { systemResolver, type Resolver } from './resolver.ts';

export async function checkResolvedUrlTarget(
  url: string,
  opts: { allowPrivate: boolean; requireHttps: boolean; resolver?: Resolver; timeoutMs?: number },
): Promise<UrlTargetCheck> {
  const syntax = checkUrlTarget(url, opts);
  if (!syntax.ok || opts.allowPrivate) return syntax;
  const host = bareAddress(new URL(url).hostname);
  let addresses: string[];
  let timer: NodeJS.Timeout | undefined;
  try {
    // An API request must not hang on slow DNS; giving up here is safe for the same reason as a failure.
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('resolution timed out')), opts.timeoutMs ?? 5000);
    });
    addresses = await Promise.race([(opts.resolver ?? systemResolver)(host), gaveUp]);
  } catch {
    // A name that does not resolve (yet) is not an SSRF risk: every check and delivery re-resolves and re-checks.
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
