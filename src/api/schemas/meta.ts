import { z } from 'zod';

/** GET /v1/meta: what the web console needs to know about this deployment that no resource says. */
export const metaResponse = z.object({
  /** the Temporal Web UI as the operator's browser reaches it; null when this deployment has none configured */
  temporal_ui_url: z.string().nullable(),
  temporal_namespace: z.string(),
});
