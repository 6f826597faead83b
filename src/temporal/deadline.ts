import type { Client } from '@temporalio/client';

/** Each API→Temporal call gets a deadline: an unreachable server must not hold an API request for minutes. */
const TEMPORAL_CALL_DEADLINE_MS = 1500;

export function withDeadline<T>(client: Client, fn: () => Promise<T>, ms = TEMPORAL_CALL_DEADLINE_MS): Promise<T> {
  return client.connection.withDeadline(Date.now() + ms, fn);
}
