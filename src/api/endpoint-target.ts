// The write-time side of tcp, tls and dns targets (docs/BEHAVIOUR.md, "Check types"): the per-type rules for a PATCH
// (the create schema applies them itself), the stored (normalised) form, and the same DNS-backed SSRF check a URL
// gets for the host a tcp or tls check connects to.
import { isTargetType, normalizeTarget, type CheckTarget } from '../domain/check-target.ts';
import type { EndpointType } from '../domain/types.ts';
import { checkResolvedUrlTarget } from '../net/target-check.ts';
import type { Resolver } from '../net/resolver.ts';
import { validation } from './errors.ts';
import { targetUrl, typeTargetIssues } from './schemas/check-target.ts';
import type { TargetPolicy } from './schemas/endpoint.ts';

export function endpointTargets(policy: TargetPolicy, resolver: Resolver | undefined) {
  const resolved = async (type: EndpointType, target: CheckTarget): Promise<CheckTarget> => {
    if (type === 'tcp' || type === 'tls') {
      const r = await checkResolvedUrlTarget(targetUrl(target), { ...policy, requireHttps: false, ...(resolver ? { resolver } : {}) });
      if (!r.ok) throw validation('target.host', r.field_error);
    }
    return isTargetType(type) ? normalizeTarget(type, target) : target;
  };
  return {
    /** The target to store for a validated create body (null for http and push). */
    async forCreate(body: { type: EndpointType; target?: CheckTarget | null | undefined }): Promise<CheckTarget | null> {
      return body.target ? resolved(body.type, body.target) : null;
    },
    /** The target to store for a PATCH of an endpoint of `type` (undefined: unchanged); 400 naming the field otherwise. */
    async forPatch(type: EndpointType, body: { url?: string | null | undefined; target?: CheckTarget | null | undefined }) {
      if (isTargetType(type) && body.url != null) throw validation('url', 'applies to http endpoints only; use target');
      if (body.target === undefined) return undefined;
      const issue = typeTargetIssues(type, body.target, policy)[0];
      if (issue) throw validation(['target', ...issue.path].join('.'), issue.message);
      return body.target ? resolved(type, body.target) : null;
    },
  };
}
