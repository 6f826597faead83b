// The one vocabulary of endpoint status: every place that shows one (the board, the endpoint page, the public status
// page) goes through shownStatus, so a status has the same word, symbol and colour everywhere.
import type { paths } from './api-types.ts';

/** The API's endpoint status (from the generated types directly, so this module stays free of the browser's API). */
type Status = paths['/v1/endpoints/{id}/status']['get']['responses'][200]['content']['application/json']['status'];

/**
 * What is shown: the API's four statuses, with `unknown` said as "pending" (no result has decided it yet), plus
 * "failing": failed checks in a row that have not yet reached the failure threshold, which is not "up".
 */
export type ShownStatus = 'up' | 'degraded' | 'down' | 'pending' | 'failing';

export const STATUS_GLYPH: Record<ShownStatus, string> = { up: '✔', degraded: '▲', down: '✖', pending: '…', failing: '!' };

export interface StatusFacts {
  /** the API's status; null when there is none to show */
  status: Status | null;
  /** failed checks in a row (the live status's failure_count) */
  failureCount?: number;
  /** the endpoint's failure_threshold */
  failureThreshold?: number;
}

export interface Shown {
  shown: ShownStatus;
  word: string;
  /** a sentence for the tooltip and screen readers */
  explanation: string;
}

export function shownStatus({ status, failureCount = 0, failureThreshold }: StatusFacts): Shown {
  if (status === 'down') return { shown: 'down', word: 'down', explanation: 'down: the failure threshold was reached' };
  // below the threshold the API keeps the previous status (up, degraded or unknown); a failure is still news
  if (failureCount > 0 && failureThreshold !== undefined && failureCount < failureThreshold)
    return {
      shown: 'failing',
      word: `failing (${failureCount} of ${failureThreshold})`,
      explanation: `${failureCount} failed check${failureCount === 1 ? '' : 's'} in a row; down after ${failureThreshold}`,
    };
  if (status === 'up') return { shown: 'up', word: 'up', explanation: 'up: the last checks succeeded' };
  if (status === 'degraded') return { shown: 'degraded', word: 'degraded', explanation: 'degraded: answering, but too slowly' };
  return { shown: 'pending', word: 'pending', explanation: 'pending: no check result has decided the status yet' };
}
