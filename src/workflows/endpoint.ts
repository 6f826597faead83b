// One long-lived workflow per monitored endpoint. It owns the configuration and the authoritative state; active
// checks run in a check loop in the worker (check-loop.ts), which hands back only with events, at its lease's end or
// when stopped. Push endpoints, paused endpoints and runs in 'workflow' check mode wait on durable timers here.
// Events are stored and fanned out to delivery children. A thin loop; the state lives in EndpointMonitor.
import {
  ActivityFailure,
  TemporalFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { EndpointMonitor } from '../domain/endpoint-monitor.ts';
import { eventIdFromHex } from '../domain/ids.ts';
import type { CheckResult, DomainEvent, EndpointVantaEvent, MonitorConfig } from '../domain/types.ts';
import {
  configureSignal,
  deleteSignal,
  incomingResultSignal,
  monitorConfigQuery,
  pauseSignal,
  resumeSignal,
  statusQuery,
  type CheckMode,
  type EndpointWorkflowInput,
} from './endpoint-definitions.ts';
import { runLease, type LeaseOptions } from './check-lease.ts';
import { startDeliveries } from './fan-out.ts';
import { MaintenanceGate } from './maintenance-gate.ts';

/** Bounds history even when the server does not suggest continue-as-new yet. */
export const MAX_CHECKS_PER_RUN = 500;
/** Leases per run before continue-as-new: each lease adds about eight history events. */
const MAX_LEASES_PER_RUN = 100;

// 'workflow' mode: checks run as local activities (fewer history events and less server CPU than regular ones,
// measured in docs/ARCHITECTURE.md). The timeout covers the slowest allowed check (30 s) plus margin.
const checkOptions = { startToCloseTimeout: '40 seconds', retry: { maximumAttempts: 3, initialInterval: '1 second' } } as const;
const { checkEndpoint: checkLocal } = proxyLocalActivities<Activities>(checkOptions);
const { checkEndpoint: checkRegular } = proxyActivities<Activities>(checkOptions);
// The database may be down for a while; keep trying rather than lose an event.
const dbRetry = { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 } as const;
const { recordEvents, recordMonitorStatus } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: dbRetry });

export async function endpointWorkflow(input: EndpointWorkflowInput): Promise<void> {
  const m = new EndpointMonitor(input, Date.now());
  // Runs started before the check loop existed replay without its marker and keep checking in the workflow.
  const mode: CheckMode = input.checkMode ?? (patched('check-loop') ? 'loop' : 'workflow');
  const lease: LeaseOptions = { leaseMs: input.leaseMs, heartbeatTimeoutMs: input.leaseHeartbeatTimeoutMs };
  let leases = 0;
  // What receivers last heard, and the rule that holds status events back during maintenance (maintenance-gate.ts).
  const gate = new MaintenanceGate(m, input.announcedStatus);

  setHandler(configureSignal, (config) => {
    // Reconciliation re-sends the configuration it finds; the same one again must not wake the check loop.
    if (m.holds(config) && patched('skip-identical-config')) return;
    m.configure(config, Date.now());
  });
  setHandler(pauseSignal, () => m.pause());
  setHandler(resumeSignal, () => m.resume(Date.now()));
  setHandler(deleteSignal, () => {
    m.deleted = true;
  });
  setHandler(incomingResultSignal, (result) => {
    m.inbox.push(result);
  });
  setHandler(statusQuery, () => m.liveStatus());
  setHandler(monitorConfigQuery, () => ({ config: m.config, configVersion: m.configVersion }));

  while (!m.deleted) {
    // Every active type (http, tcp, tls, dns) runs in the loop; only push endpoints wait on workflow timers.
    const loops = mode === 'loop' && m.config.type !== 'push' && !m.config.paused;
    const events: DomainEvent[] = [];
    const statusBefore = m.state.status;
    if (loops && m.inbox.length === 0) {
      events.push(...(await runLease(m, { ...lease, maintenanceEndMs: () => gate.nextEndMs(Date.now()) })));
      leases++;
    } else {
      if (!loops) {
        const waitMs = gate.untilNextEnd(m.msUntilDue(Date.now()), Date.now());
        const inboxBefore = m.inbox.length;
        const config = m.config;
        const wake = () => m.deleted || m.inbox.length !== inboxBefore || m.config !== config;
        if (waitMs === undefined) await condition(wake);
        else await condition(wake, waitMs);
      }
      if (m.deleted) break;
      const applied = m.inbox.length > 0;
      while (m.inbox.length > 0) events.push(...m.apply(m.inbox.shift()!, Date.now()));
      const due = !loops && m.isDue(Date.now());
      if (due && m.config.type === 'push') {
        events.push(...m.apply(m.heartbeatTimeoutResult(Date.now()), Date.now()));
      } else if (due) {
        m.startActiveCheck(Date.now());
        const result = await runCheck(m, m.config, input.checkActivity);
        events.push(...m.apply(result, Date.now()));
      }
      if ((applied || due) && patched('status-read-model')) await recordStatus(m);
    }

    const outbound = gate.outbound(events, statusBefore, Date.now());
    if (outbound.length > 0) await publish(m, outbound);
    gate.heard(outbound);

    const runFull = m.checksInThisRun >= (input.maxChecksPerRun ?? MAX_CHECKS_PER_RUN) || leases >= MAX_LEASES_PER_RUN;
    if (workflowInfo().continueAsNewSuggested || runFull) {
      await condition(allHandlersFinished);
      // Results that arrived while waiting are carried in the snapshot's inbox, not dropped.
      await continueAsNew<typeof endpointWorkflow>({
        ...m.snapshot(),
        ...gate.carried(),
        checkMode: mode,
        ...(input.maxChecksPerRun !== undefined && { maxChecksPerRun: input.maxChecksPerRun }),
        ...(input.checkActivity !== undefined && { checkActivity: input.checkActivity }),
        ...(input.leaseMs !== undefined && { leaseMs: input.leaseMs }),
        ...(input.leaseHeartbeatTimeoutMs !== undefined && { leaseHeartbeatTimeoutMs: input.leaseHeartbeatTimeoutMs }),
      });
    }
  }
}

/**
 * One active check. When the check cannot run at all (the activity threw on every attempt: a URL the checker
 * refuses to parse, a bug), that is a failed check, not the end of the monitor: an uncaught ActivityFailure would
 * fail the workflow, and the endpoint would silently stop being monitored.
 */
async function runCheck(m: EndpointMonitor, config: MonitorConfig, kind: EndpointWorkflowInput['checkActivity']): Promise<CheckResult> {
  try {
    return await (kind === 'regular' ? checkRegular : checkLocal)(config);
  } catch (err) {
    // A local activity's failure arrives as the activity's own failure (e.g. an ApplicationFailure), not wrapped in
    // an ActivityFailure; anything that is not a Temporal failure, or is a cancellation, still propagates.
    if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
    const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : err.message;
    return m.checkNotRunResult(Date.now(), reason);
  }
}

async function recordStatus(m: EndpointMonitor): Promise<void> {
  const next = m.liveStatus().next_check_at;
  await recordMonitorStatus({ endpointId: m.config.endpoint_id, accountId: m.config.account_id, state: m.state, nextCheckAt: next });
}

async function publish(m: EndpointMonitor, domainEvents: DomainEvent[]): Promise<void> {
  // Time first, so ids sort by creation (the event log pages by id); uuid4 and Date.now are replay-safe in a
  // workflow, so a replay rebuilds the same ids and the insert stays idempotent.
  const events: EndpointVantaEvent[] = domainEvents.map((e) => ({
    ...e,
    id: eventIdFromHex(Date.now().toString(16).padStart(12, '0') + uuid4().replace(/-/g, '').slice(0, 20)),
    account_id: m.config.account_id,
  }));
  const targets = await recordEvents({ events, endpointId: m.config.endpoint_id, groupId: m.config.group_id });
  await startDeliveries(events, targets, m.config.endpoint_id);
}
