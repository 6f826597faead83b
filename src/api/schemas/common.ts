import { z } from 'zod';

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
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(isStorableText, UNSTORABLE_MESSAGE);

/** Header names a customer may not set, or that we set ourselves (SPEC §3). */
const FORBIDDEN_HEADER = /^(x-vantastatus-|webhook-)|^(host|content-length|content-type)$/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const customHeaders = (opts: { forbidReserved: boolean }) =>
  z
    .record(z.string(), z.string().max(4096, 'header values must be at most 4096 characters'))
    .default({})
    .superRefine((h, ctx) => {
      const names = Object.keys(h);
      if (names.length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 headers' });
      for (const [k, v] of Object.entries(h)) {
        if (!HEADER_NAME.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" is not a valid header name` });
        else if (opts.forbidReserved && FORBIDDEN_HEADER.test(k))
          ctx.addIssue({ code: 'custom', path: [k], message: `header "${k}" is reserved and cannot be set` });
        if (/[\r\n\0]/.test(v)) ctx.addIssue({ code: 'custom', path: [k], message: 'header values must not contain CR, LF or NUL' });
        else if (!isStorableText(v)) ctx.addIssue({ code: 'custom', path: [k], message: `header values ${UNSTORABLE_MESSAGE}` });
      }
    });

export const cursorPage = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });
