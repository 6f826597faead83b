import { and, asc, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { endpoints, events } from '../../db/schema/index.ts';
import { loadMonitorConfigs } from '../../db/monitor-config.ts';
import { newId } from '../../db/new-id.ts';
import { endpointWorkflowId } from '../../domain/ids.ts';
import { toIsoSeconds } from '../../domain/time.ts';
import { endEndpoint, syncEndpoint } from '../../services/endpoint-sync.ts';
import { withDeadline } from '../../temporal/deadline.ts';
import { pauseSignal, resumeSignal } from '../../workflows/endpoint-definitions.ts';
import { readEndpointStatuses } from '../../read-model/status-repository.ts';
import type { AppDeps } from '../deps.ts';
import { assertOwnGroup, ownedEndpoint } from '../ownership.ts';
import { notFound, validation } from '../errors.ts';
import { decodeCursor, page } from '../pagination.ts';
import { cursorPage, idParam, listQuery } from '../schemas/common.ts';
import { endpointCreateSchema, endpointPatchSchema, endpointResponse } from '../schemas/endpoint.ts';
import { checkResolvedUrlTarget } from '../../net/target-check.ts';
import { liveStatusResponse } from './endpoint-status.ts';

type Row = typeof endpoints.$inferSelect;

export function endpointToJson(r: Row) {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    url: r.url,
    method: r.method,
    headers: r.headers,
    expected_status: r.expectedStatus,
    check_interval_sec: r.checkIntervalSec,
    timeout_ms: r.timeoutMs,
    failure_threshold: r.failureThreshold,
    degraded_threshold_ms: r.degradedThresholdMs,
    certificate_expiry_days: r.certificateExpiryDays,
    track_dns: r.trackDns,
    track_body: r.trackBody,
    heartbeat_timeout_sec: r.heartbeatTimeoutSec,
    paused: r.paused,
    group_id: r.groupId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

const eventJson = z.object({ id: z.string(), event: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) });

export const endpointRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const policy = { allowPrivate: deps.config.allowPrivateTargets, allowInsecure: deps.config.allowInsecureTargets };
    const checkTarget = async (url: string | null | undefined) => {
      const target = url ? await checkResolvedUrlTarget(url, { ...policy, requireHttps: false, resolver: deps.resolver }) : null;
      if (target && !target.ok) throw validation('url', target.field_error);
    };

    /** Database first, then the workflow; a failed signal is logged and healed by reconciliation. */
    async function sync(req: { log: { warn: (o: object, m: string) => void } }, id: string) {
      const [entry] = await loadMonitorConfigs(db, { endpointId: id });
      if (!entry) return;
      try {
        await syncEndpoint(deps.temporal, entry.config);
      } catch (err) {
        req.log.warn({ err, endpointId: id }, 'endpoint workflow not updated; reconciliation will retry');
      }
    }

    app.post(
      '/v1/endpoints',
      { schema: { tags: ['endpoints'], body: endpointCreateSchema(policy), response: { 201: endpointResponse } } },
      async (req, reply) => {
        const b = req.body;
        await assertOwnGroup(db, req.accountId, b.group_id);
        await checkTarget(b.url);
        const [row] = await db
          .insert(endpoints)
          .values({
            id: newId('ep'),
            accountId: req.accountId,
            groupId: b.group_id,
            name: b.name,
            type: b.type,
            url: b.url ?? null,
            method: b.method,
            headers: b.headers,
            expectedStatus: b.expected_status,
            checkIntervalSec: b.check_interval_sec,
            timeoutMs: b.timeout_ms,
            failureThreshold: b.failure_threshold,
            degradedThresholdMs: b.degraded_threshold_ms,
            certificateExpiryDays: b.certificate_expiry_days,
            trackDns: b.track_dns,
            trackBody: b.track_body,
            heartbeatTimeoutSec: b.heartbeat_timeout_sec,
            paused: b.paused,
          })
          .returning();
        await sync(req, row!.id);
        return reply.status(201).send(endpointToJson(row!));
      },
    );

    app.get(
      '/v1/endpoints',
      { schema: { tags: ['endpoints'], querystring: listQuery, response: { 200: cursorPage(endpointResponse) } } },
      async (req) => {
        const after = decodeCursor(req.query.cursor);
        const rows = await db
          .select()
          .from(endpoints)
          .where(and(eq(endpoints.accountId, req.accountId), isNull(endpoints.deletedAt), after ? gt(endpoints.id, after) : undefined))
          .orderBy(asc(endpoints.id))
          .limit(req.query.limit + 1);
        const p = page(rows, req.query.limit);
        return { data: p.data.map(endpointToJson), next_cursor: p.next_cursor };
      },
    );

    app.get('/v1/endpoints/:id', { schema: { tags: ['endpoints'], params: idParam, response: { 200: endpointResponse } } }, async (req) =>
      endpointToJson(await ownedEndpoint(db, req.accountId, req.params.id)),
    );

    app.patch(
      '/v1/endpoints/:id',
      { schema: { tags: ['endpoints'], params: idParam, body: endpointPatchSchema(policy), response: { 200: endpointResponse } } },
      async (req) => {
        const cur = await ownedEndpoint(db, req.accountId, req.params.id);
        const b = req.body;
        await assertOwnGroup(db, req.accountId, b.group_id);
        await checkTarget(b.url);
        if (cur.type === 'http' && b.url === null) throw validation('url', 'is required for http endpoints');
        if (cur.type === 'http' && b.heartbeat_timeout_sec != null) throw validation('heartbeat_timeout_sec', 'applies to push endpoints only');
        const [row] = await db
          .update(endpoints)
          .set({
            ...(b.name !== undefined && { name: b.name }),
            ...(b.url !== undefined && { url: b.url }),
            ...(b.method !== undefined && { method: b.method }),
            ...(b.headers !== undefined && { headers: b.headers }),
            ...(b.expected_status !== undefined && { expectedStatus: b.expected_status }),
            ...(b.check_interval_sec !== undefined && { checkIntervalSec: b.check_interval_sec }),
            ...(b.timeout_ms !== undefined && { timeoutMs: b.timeout_ms }),
            ...(b.failure_threshold !== undefined && { failureThreshold: b.failure_threshold }),
            ...(b.degraded_threshold_ms !== undefined && { degradedThresholdMs: b.degraded_threshold_ms }),
            ...(b.certificate_expiry_days !== undefined && { certificateExpiryDays: b.certificate_expiry_days }),
            ...(b.track_dns !== undefined && { trackDns: b.track_dns }),
            ...(b.track_body !== undefined && { trackBody: b.track_body }),
            ...(b.heartbeat_timeout_sec !== undefined && { heartbeatTimeoutSec: b.heartbeat_timeout_sec }),
            ...(b.paused !== undefined && { paused: b.paused }),
            ...(b.group_id !== undefined && { groupId: b.group_id }),
            updatedAt: new Date(),
          })
          .where(eq(endpoints.id, cur.id))
          .returning();
        await sync(req, cur.id);
        return endpointToJson(row!);
      },
    );

    app.delete('/v1/endpoints/:id', { schema: { tags: ['endpoints'], params: idParam } }, async (req, reply) => {
      const cur = await ownedEndpoint(db, req.accountId, req.params.id);
      await db.update(endpoints).set({ deletedAt: new Date(), updatedAt: new Date() }).where(eq(endpoints.id, cur.id));
      try {
        await endEndpoint(deps.temporal, cur.id);
      } catch (err) {
        req.log.warn({ err, endpointId: cur.id }, 'endpoint workflow not ended; reconciliation will retry');
      }
      return reply.status(204).send();
    });

    for (const action of ['pause', 'resume'] as const) {
      app.post(
        `/v1/endpoints/:id/${action}`,
        { schema: { tags: ['endpoints'], params: idParam, response: { 200: endpointResponse } } },
        async (req) => {
          const cur = await ownedEndpoint(db, req.accountId, req.params.id);
          const [row] = await db
            .update(endpoints)
            .set({ paused: action === 'pause', updatedAt: new Date() })
            .where(eq(endpoints.id, cur.id))
            .returning();
          try {
            await withDeadline(deps.temporal.client, () =>
              deps.temporal.client.workflow.getHandle(endpointWorkflowId(cur.id)).signal(action === 'pause' ? pauseSignal : resumeSignal),
            );
          } catch {
            await sync(req, cur.id);
          }
          return endpointToJson(row!);
        },
      );
    }

    app.get('/v1/endpoints/:id/status', { schema: { tags: ['endpoints'], params: idParam, response: { 200: liveStatusResponse } } }, async (req) => {
      const status = (await readEndpointStatuses(db, req.accountId, [req.params.id])).get(req.params.id);
      if (!status) throw notFound('endpoint');
      return status;
    });

    app.get(
      '/v1/endpoints/:id/events',
      { schema: { tags: ['endpoints'], params: idParam, querystring: listQuery, response: { 200: cursorPage(eventJson) } } },
      async (req) => {
        const cur = await ownedEndpoint(db, req.accountId, req.params.id);
        const before = decodeCursor(req.query.cursor);
        // Newest first: event ids start with their creation time in hex, so id order is time order.
        const rows = await db
          .select()
          .from(events)
          .where(and(eq(events.endpointId, cur.id), before ? lt(events.id, before) : undefined))
          .orderBy(desc(events.id))
          .limit(req.query.limit + 1);
        const p = page(rows, req.query.limit);
        return {
          data: p.data.map((e) => ({ id: e.id, event: e.type, timestamp: toIsoSeconds(e.timestamp), data: e.data as never })),
          next_cursor: p.next_cursor,
        };
      },
    );
  };
