// A reported time must be plausible: a little ahead of this server's clock at most, and not older than a window.
import type { z } from 'zod';

const FUTURE_SEC = 300;

function describeSeconds(sec: number): string {
  if (sec % 86_400 === 0) return sec === 86_400 ? '24 hours' : `${sec / 86_400} days`;
  if (sec % 3600 === 0) return sec === 3600 ? '1 hour' : `${sec / 3600} hours`;
  if (sec % 60 === 0) return sec === 60 ? '1 minute' : `${sec / 60} minutes`;
  return `${sec} seconds`;
}

/** superRefine for an ISO 8601 time (already validated as one): within [now - maxAgeSec, now + 5 minutes]. */
export function checkedAtWindow(maxAgeSec: number) {
  return (value: string, ctx: z.RefinementCtx) => {
    const t = Date.parse(value);
    const now = Date.now();
    if (t > now + FUTURE_SEC * 1000)
      ctx.addIssue({ code: 'custom', message: `must not be more than ${describeSeconds(FUTURE_SEC)} in the future` });
    else if (t < now - maxAgeSec * 1000)
      ctx.addIssue({ code: 'custom', message: `must not be more than ${describeSeconds(maxAgeSec)} in the past` });
  };
}
