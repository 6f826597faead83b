// Endpoint tags (docs/BEHAVIOUR.md, "Tags"): short lower-case labels an operator filters the board and the list by.
import { z } from 'zod';

const MAX_TAGS = 20;
const TAG = /^[a-z0-9._:-]{1,40}$/;
const TAG_MESSAGE = 'must be 1–40 characters of a–z, 0–9, ".", "_", ":" or "-"';

/** One tag as given: trimmed and lower-cased before it is checked, so "Prod " is the tag "prod". */
const tag = z.string().max(200, TAG_MESSAGE).trim().toLowerCase().regex(TAG, TAG_MESSAGE);

/** The tags of an endpoint: at most MAX_TAGS, de-duplicated after lower-casing, in the order given. */
export const tagsField = z
  .array(tag)
  .max(MAX_TAGS, `must list at most ${MAX_TAGS} tags`)
  .transform((tags) => [...new Set(tags)]);

/** ?tag=a,b: the endpoints that have every one of the tags (AND). */
export const tagFilter = z
  .string()
  .max(MAX_TAGS * 41, 'is too long')
  .transform((s) => [
    ...new Set(
      s
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(z.string().regex(TAG, `each tag ${TAG_MESSAGE}`)).max(MAX_TAGS, `must name at most ${MAX_TAGS} tags`));
