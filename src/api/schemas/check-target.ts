// `target` of a tcp, tls or dns endpoint (docs/BEHAVIOUR.md, "Check types"). The field syntax is checked here; what a
// type requires and refuses is src/domain/check-target.ts, so the create schema and PATCH give the same 400s.
import { isIP } from 'node:net';
import { z } from 'zod';
import { DNS_RECORD_TYPES, isTargetType, normalizeDnsName, targetIssues, type CheckTarget } from '../../domain/check-target.ts';
import { checkUrlTarget } from '../../net/address-policy.ts';
import { dnsServerProblem } from '../../net/dns-server-address.ts';
import { isStorableText, UNSTORABLE_MESSAGE } from './common.ts';
import type { TargetPolicy } from './endpoint.ts';

const host = z
  .string()
  .max(253)
  .refine((h) => isIP(h) !== 0 || normalizeDnsName(h) !== null, 'must be a host name or an IP address (IPv6 without brackets)')
  .describe('tcp and tls: the host connected to (and the TLS server name); dns: the name queried');

export const checkTarget = (p: TargetPolicy) =>
  z
    .strictObject({
      host,
      port: z.number().int().min(1).max(65535).optional().describe('tcp: required; tls: default 443'),
      tls: z.boolean().optional().describe('tcp only: a TLS handshake after connecting (SNI = host); default false'),
      record_type: z.enum(DNS_RECORD_TYPES).optional().describe('dns only, required'),
      expected_values: z
        .array(z.string().min(1).max(4096).refine(isStorableText, UNSTORABLE_MESSAGE))
        .max(50)
        .nullable()
        .optional()
        .describe('dns only: the answer set must equal these values (MX as "10 mail.example.com"); null: any non-empty answer'),
      resolver: z
        .string()
        .max(60)
        .nullable()
        .optional()
        .superRefine((r, ctx) => {
          const problem = r == null ? null : dnsServerProblem(r, p.allowPrivate);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .describe('dns only: the resolver asked, ip or ip:port ([v6]:port); null: the system resolvers'),
    })
    .describe('tcp, tls and dns endpoints: what is checked (http endpoints use url, push endpoints have neither)');

export const checkTargetResponse = z.object({
  host: z.string(),
  port: z.number().optional(),
  tls: z.boolean().optional(),
  record_type: z.enum(DNS_RECORD_TYPES).optional(),
  expected_values: z.array(z.string()).nullable().optional(),
  resolver: z.string().nullable().optional(),
});

interface IssueSink {
  addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void;
}

/** The per-type rules as zod issues under `target` (and `url`, which only http endpoints have). */
export function addTargetIssues(
  e: { type: string; url?: string | null | undefined; target?: CheckTarget | null | undefined },
  ctx: IssueSink,
  p: TargetPolicy,
): void {
  for (const issue of typeTargetIssues(e.type, e.target, p))
    ctx.addIssue({ code: 'custom', path: ['target', ...issue.path], message: issue.message });
  if (isTargetType(e.type) && e.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'applies to http endpoints only; use target' });
}

/** targetIssues plus the address policy for the host a tcp or tls check connects to (no DNS here: see the route). */
export function typeTargetIssues(type: string, target: CheckTarget | null | undefined, p: TargetPolicy) {
  const issues = targetIssues(type, target);
  if (issues.length === 0 && target && (type === 'tcp' || type === 'tls')) {
    const r = checkUrlTarget(targetUrl(target), { allowPrivate: p.allowPrivate, requireHttps: false });
    if (!r.ok) issues.push({ path: ['host'], message: r.field_error });
  }
  return issues;
}

/** A URL naming the host and port a tcp or tls check connects to, for the URL-based SSRF checks. */
export function targetUrl(t: CheckTarget): string {
  return `https://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port ?? 443}/`;
}
