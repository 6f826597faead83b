import { z } from 'zod';
import { headerNameProblem, headerValueProblem, type HeaderOwner } from '../../net/header-rules.ts';

/** Text PostgreSQL cannot store: a NUL character, or an unpaired UTF-16 surrogate (refused in jsonb). */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';
export const isStorableText = (s: string) => !UNSTORABLE.test(s);
/** A string the database can store. */
export const storableString = () => z.string().refine(isStorableText, UNSTORABLE_MESSAGE);

export const idParam = z.object({ id: storableString().min(1).max(100) });
export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(isStorableText, UNSTORABLE_MESSAGE);

/**
 * Custom request headers of a webhook or an endpoint: names and values node can send (node's own rules), no
 * connection or framing headers, and for webhooks none of the headers a delivery sets itself (src/net/header-rules.ts,
 * which guardedRequest applies again before every request).
 */
export const customHeaders = (opts: { owner: HeaderOwner }) =>
  z
    .record(z.string(), z.string().max(4096, 'header values must be at most 4096 characters'))
    .default({})
    .superRefine((h, ctx) => {
      const names = Object.keys(h);
      if (names.length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 headers' });
      for (const [k, v] of Object.entries(h)) {
        const nameProblem = headerNameProblem(k, opts.owner);
        if (nameProblem) ctx.addIssue({ code: 'custom', path: [k], message: nameProblem });
        if (/[\r\n\0]/.test(v)) ctx.addIssue({ code: 'custom', path: [k], message: 'header values must not contain CR, LF or NUL' });
        else {
          const valueProblem = headerValueProblem(v);
          if (valueProblem) ctx.addIssue({ code: 'custom', path: [k], message: valueProblem });
        }
      }
    });

export const cursorPage = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });

/** The answer of a DELETE: 204, no body. */
export const noContent = z.undefined().describe('No content');

/** An ISO 8601 date-time with Z or any offset, handed on as UTC (`…Z`, to the millisecond): PostgreSQL refuses offsets
 *  beyond ±15:59 and has no year 0 (its year before 1 is 1 BC), so the UTC year must be 0001–9999. */
export const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' })
  .refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, 'must fall in the years 0001 to 9999 (UTC)')
  .transform((v) => new Date(v).toISOString());
