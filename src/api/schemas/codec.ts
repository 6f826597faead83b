// Temporal's remote codec protocol: {"payloads": [{"metadata": {name: base64}, "data": base64}]}, the proto3 JSON
// of Payloads (src/api/routes/codec.ts).
import { z } from 'zod';

const MAX_PAYLOADS = 10_000;

const base64 = z
  .string()
  .max(4 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const payloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string().max(256), base64).nullish(), data: base64.nullish() }).passthrough())
    .max(MAX_PAYLOADS),
});
export type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];
