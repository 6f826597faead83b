import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { EndpointStatus, ErrorClass } from '../../domain/types.ts';
import { tstz, updatedAt } from './columns.ts';
import { accountIdColumn } from './account-id.ts';
import { endpoints } from './endpoints.ts';

// The latest status of each endpoint: the read model behind the status routes and the console's board. The check
// loop that wrote a row also keeps its resume point here (lease_id + resume), so a worker that takes over the lease
// after a crash repeats at most the checks of the last unflushed second.
export const endpointStatus = pgTable('endpoint_status', {
  endpointId: text('endpoint_id')
    .primaryKey()
    .references(() => endpoints.id, { onDelete: 'cascade' }),
  accountId: accountIdColumn(),
  status: text('status').$type<EndpointStatus>().notNull(),
  failureCount: integer('failure_count').notNull(),
  firstFailure: tstz('first_failure'),
  lastSuccess: tstz('last_success'),
  lastCheckAt: tstz('last_check_at'),
  lastResponseCode: integer('last_response_code'),
  lastResponseTimeMs: integer('last_response_time_ms'),
  lastErrorClass: text('last_error_class').$type<ErrorClass>(),
  nextCheckAt: tstz('next_check_at'),
  leaseId: text('lease_id'),
  resume: jsonb('resume'),
  updatedAt: updatedAt(),
});
