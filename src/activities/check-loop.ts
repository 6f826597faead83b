// The check-loop activities, registered only on the check-loop task queues: runCheckLoop (long-running, on the
// shared checks queue) and commandCheckLoop (on the boot's own control queue, so it reaches the very process that
// runs the loop). See docs/ARCHITECTURE.md, "Check loops".
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { checkLeases } from '../db/schema/index.ts';
import type { CheckResult, MonitorConfig } from '../domain/types.ts';
import { readResumePoint, type CheckRecord, type CheckWriter } from '../read-model/check-writer.ts';
import { CheckLoop, type ResumePoint } from '../worker/check-loop.ts';
import type { CheckLoopRegistry } from '../worker/check-loop-registry.ts';
import type { CheckLoopInput, CheckLoopResult, LoopCommand, LoopCommandOutcome } from '../workflows/check-loop-definitions.ts';
import { monitorConfigQuery } from '../workflows/endpoint-definitions.ts';

export interface CheckLoopDeps {
  db: Db;
  client: Client;
  bootId: string;
  registry: CheckLoopRegistry;
  writer: CheckWriter;
  runCheck(config: MonitorConfig): Promise<CheckResult>;
  now?: () => number;
}

export function createCheckLoopActivities(deps: CheckLoopDeps) {
  const now = deps.now ?? Date.now;

  /** A retried attempt (its worker was lost) starts where the lost one last persisted, with the newest settings. */
  async function resumeInput(input: CheckLoopInput, leaseId: string, workflowId: string, heartbeated: unknown): Promise<CheckLoopInput> {
    const point = ((heartbeated as ResumePoint | undefined) ??
      (await readResumePoint(deps.db, input.config.endpoint_id, leaseId))) as ResumePoint | null;
    let start: CheckLoopInput = point ? { ...input, ...point } : input;
    try {
      const current = await deps.client.workflow.getHandle(workflowId).query(monitorConfigQuery);
      if (current.configVersion > start.configVersion) start = { ...start, config: current.config, configVersion: current.configVersion };
    } catch {
      // The workflow pushes newer settings itself once it finds this loop; the point's settings do until then.
    }
    return start;
  }

  return {
    async runCheckLoop(input: CheckLoopInput): Promise<CheckLoopResult> {
      const ctx = Context.current();
      const { info } = ctx;
      const execution = info.workflowExecution;
      if (!execution) throw new Error('runCheckLoop runs only for an endpoint workflow');
      const endpointId = input.config.endpoint_id;
      const leaseId = `${execution.runId}/${info.activityId}`;
      const start = info.attempt > 1 ? await resumeInput(input, leaseId, execution.workflowId, info.heartbeatDetails) : input;
      if (start.config.paused) {
        return {
          end: 'stopped',
          events: [],
          configVersion: start.configVersion,
          state: start.state,
          nextCheckAtMs: start.nextCheckAtMs,
          lastCheckStartedAtMs: start.lastCheckStartedAtMs,
          checks: 0,
        };
      }
      const lease = { leaseId, bootId: deps.bootId, taskToken: info.base64TaskToken, startedAt: new Date(now()) };
      const writeLease = () =>
        deps.db
          .insert(checkLeases)
          .values({ endpointId, ...lease })
          .onConflictDoUpdate({ target: checkLeases.endpointId, set: lease });

      // Design-study candidate (b) only: with a heartbeat timeout, the resume point also goes out as heartbeat details
      // (the SDK throttles the calls to one per 0.8 × timeout).
      const heartbeats = info.heartbeatTimeoutMs !== undefined && info.heartbeatTimeoutMs > 0;
      const record = (r: CheckRecord) => {
        deps.writer.record(r);
        if (heartbeats && r.resume) ctx.heartbeat(r.resume.point);
      };
      const loop = new CheckLoop(endpointId, leaseId, start, { runCheck: deps.runCheck, record, now });
      deps.registry.add(loop);
      // Cancellation (the workflow gave up on this lease, or the worker's shutdown grace ran out) hands back at once.
      const onCancel = () => loop.stop('handover');
      ctx.cancellationSignal.addEventListener('abort', onCancel);
      loop.start();
      // Checks do not wait for the database: while it is away the lease row is written again every few seconds.
      void keepTrying(writeLease, () => loop.ended);
      try {
        const result = await loop.done;
        // A paused or deleted endpoint has no loop until it resumes: its row would only skew the workers' shares.
        if (result.end === 'stopped') {
          await deps.db
            .delete(checkLeases)
            .where(and(eq(checkLeases.endpointId, endpointId), eq(checkLeases.leaseId, leaseId)))
            .catch(() => {});
        }
        return result;
      } finally {
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }
    },

    async commandCheckLoop(input: { endpointId: string; command: LoopCommand }): Promise<LoopCommandOutcome> {
      const loop = deps.registry.get(input.endpointId);
      if (!loop) return 'not_here';
      const c = input.command;
      if (c.action === 'stop') loop.stop('stopped');
      else loop.configure(c.config, c.configVersion);
      return 'applied';
    },
  };
}

export type CheckLoopActivities = ReturnType<typeof createCheckLoopActivities>;

const LEASE_WRITE_RETRY_MS = 2000;

async function keepTrying(write: () => Promise<unknown>, giveUp: () => boolean): Promise<void> {
  while (!giveUp()) {
    try {
      await write();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, LEASE_WRITE_RETRY_MS));
    }
  }
}
