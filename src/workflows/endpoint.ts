// One long-lived workflow per monitored endpoint: checks on durable timers, the status state machine,
// events stored and fanned out to delivery children. A thin loop; the state lives in EndpointMonitor.
import {
  ActivityFailure,
  TemporalFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { eventIdFromHex } from '../domain/ids.ts';
import type { CheckResult, DomainEvent, MonitorConfig, VantaEvent } from '../domain/types.ts';
import {
  configureSignal,
  deleteSignal,
  incomingResultSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  type EndpointWorkflowInput,
} from './endpoint-definitions.ts';
import { EndpointMonitor } from './endpoint-monitor.ts';
import { startDeliveries } from './fan-out.ts';

/** Bounds history even when the server does not suggest continue-as-new yet. */
export const MAX_CHECKS_PER_RUN = 500;

// Checks run as local activities by default: measured in docs/ARCHITECTURE.md (fewer history events and less
// server CPU per check). The timeout covers the slowest allowed check (30 s) plus margin. The regular-activity
// path exists for that measurement (bench/check-activity-mode.ts) and as an operator's escape hatch.
const checkOptions = { startToCloseTimeout: '40 seconds', retry: { maximumAttempts: 3, initialInterval: '1 second' } } as const;
const { checkEndpoint: checkLocal } = proxyLocalActivities<Activities>(checkOptions);
const { checkEndpoint: checkRegular } = proxyActivities<Activities>(checkOptions);
const { recordEvents } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // The database may be down for a while; keep trying rather than lose an event.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

export async function endpointWorkflow(input: EndpointWorkflowInput): Promise<void> {
  const m = new EndpointMonitor(input, Date.now());

  setHandler(configureSignal, (config) => m.configure(config, Date.now()));
  setHandler(pauseSignal, () => m.pause());
  setHandler(resumeSignal, () => m.resume(Date.now()));
  setHandler(deleteSignal, () => {
    m.deleted = true;
  });
  setHandler(incomingResultSignal, (result) => {
    m.inbox.push(result);
  });
  setHandler(statusQuery, () => m.liveStatus());

  while (!m.deleted) {
    const waitMs = m.msUntilDue(Date.now());
    const inboxBefore = m.inbox.length;
    const config = m.config;
    const wake = () => m.deleted || m.inbox.length !== inboxBefore || m.config !== config;
    if (waitMs === undefined) await condition(wake);
    else await condition(wake, waitMs);
    if (m.deleted) break;

    const events: DomainEvent[] = [];
    while (m.inbox.length > 0) events.push(...m.apply(m.inbox.shift()!, Date.now()));

    if (m.isDue(Date.now())) {
      if (m.config.type === 'push') {
        events.push(...m.apply(m.heartbeatTimeoutResult(Date.now()), Date.now()));
      } else {
        m.startActiveCheck(Date.now());
        const result = await runCheck(m, m.config);
        events.push(...m.apply(result, Date.now()));
      }
    }

    if (events.length > 0) await publish(m, events);

    if (workflowInfo().continueAsNewSuggested || m.checksInThisRun >= (m.maxChecksPerRun ?? MAX_CHECKS_PER_RUN)) {
      await condition(allHandlersFinished);
      // Results that arrived while waiting are carried in the snapshot's inbox, not dropped.
      await continueAsNew<typeof endpointWorkflow>(m.snapshot());
    }
  }
}

/**
 * One active check. When the check cannot run at all (the activity threw on every attempt: a URL the checker
 * refuses to parse, a bug), that is a failed check, not the end of the monitor: an uncaught ActivityFailure would
 * fail the workflow, and the endpoint would silently stop being monitored.
 */
async function runCheck(m: EndpointMonitor, config: MonitorConfig): Promise<CheckResult> {
  try {
    return await (m.checkActivity === 'regular' ? checkRegular : checkLocal)(config);
  } catch (err) {
    // A local activity's failure arrives as the activity's own failure (e.g. an ApplicationFailure), not wrapped in
    // an ActivityFailure; anything that is not a Temporal failure, or is a cancellation, still propagates.
    if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
    const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : err.message;
    return m.checkNotRunResult(Date.now(), reason);
  }
}

async function publish(m: EndpointMonitor, domainEvents: DomainEvent[]): Promise<void> {
  // Time first, so ids sort by creation (the event log pages by id); uuid4 and Date.now are replay-safe in a
  // workflow, so a replay rebuilds the same ids and the insert stays idempotent.
  const events: VantaEvent[] = domainEvents.map((e) => ({
    ...e,
    id: eventIdFromHex(Date.now().toString(16).padStart(12, '0') + uuid4().replace(/-/g, '').slice(0, 20)),
    account_id: m.config.account_id,
  }));
  const targets = await recordEvents({ events, endpointId: m.config.endpoint_id, groupId: m.config.group_id });
  await startDeliveries(events, targets, m.config.endpoint_id);
}
