// The workflow's side of a check loop: start a lease on the checks queue, push every configuration change (and
// pause, delete, an incoming result) to the worker that runs it, take its state back when it ends.
import { ActivityCancellationType, condition, proxyActivities, proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { CheckLoopActivities } from '../activities/check-loop.ts';
import type { Activities } from '../activities/index.ts';
import type { EndpointMonitor } from '../domain/endpoint-monitor.ts';
import type { DomainEvent } from '../domain/types.ts';
import { checkLoopTaskQueue, loopControlTaskQueue, type CheckLoopResult, type LoopCommand } from './check-loop-definitions.ts';

/** A lease this long moves each loop between workers about once an hour and adds ~8 history events per hour. */
const LEASE_MS = 60 * 60 * 1000;
/** A deleted endpoint whose loop cannot be reached (its worker is gone for good) is let go after this long. */
const DELETE_GIVE_UP_MS = 2 * 60 * 1000;

export interface LeaseOptions {
  leaseMs?: number;
  heartbeatTimeoutMs?: number;
  /**
   * The next maintenance interval's end (maintenance-gate.ts): the lease is stopped there, like a wanted stop, so the
   * workflow gets the loop's state back and can tell receivers the real state at once. Undefined: none.
   */
  maintenanceEndMs?: () => number | undefined;
}

const { locateCheckLoop } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 3 } });

function loopActivity(leaseMs: number, heartbeatTimeoutMs: number | undefined) {
  return proxyActivities<CheckLoopActivities>({
    taskQueue: checkLoopTaskQueue(workflowInfo().taskQueue),
    // No heartbeat timeout by default: liveness is the worker boot's row in check_workers, and a peer (or the
    // restarted worker) fails a dead boot's leases over at once; this timeout is only the last resort.
    startToCloseTimeout: leaseMs + 10 * 60 * 1000,
    ...(heartbeatTimeoutMs !== undefined && { heartbeatTimeout: heartbeatTimeoutMs }),
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds', backoffCoefficient: 2 },
    cancellationType: ActivityCancellationType.ABANDON,
  }).runCheckLoop;
}

function commandActivity(bootId: string) {
  return proxyActivities<CheckLoopActivities>({
    taskQueue: loopControlTaskQueue(workflowInfo().taskQueue, bootId),
    // A boot that does not pick this up in seconds is gone; its lease is failed over and the next attempt asks.
    scheduleToStartTimeout: '5 seconds',
    startToCloseTimeout: '5 seconds',
    retry: { maximumAttempts: 1 },
  }).commandCheckLoop;
}

/** Runs one lease and returns the events it ended with; the monitor takes over the loop's state. */
export async function runLease(m: EndpointMonitor, opts: LeaseOptions): Promise<DomainEvent[]> {
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  let result: CheckLoopResult | undefined;
  let failed = false;
  void loopActivity(
    leaseMs,
    opts.heartbeatTimeoutMs,
  )({
    config: m.config,
    configVersion: m.configVersion,
    state: m.state,
    nextCheckAtMs: m.nextCheckAtMs,
    lastCheckStartedAtMs: m.lastCheckStartedAtMs,
    leaseMs,
  }).then(
    (r) => void (result = r),
    () => void (failed = true),
  );
  const ended = () => result !== undefined || failed;

  let sentVersion = m.configVersion;
  let stopSent = false;
  let deletedAt: number | null = null;
  let maintenanceEnded = false;
  const wantsStop = () => m.deleted || m.config.paused || m.inbox.length > 0 || maintenanceEnded;
  const pending = () => (wantsStop() ? !stopSent : m.configVersion !== sentVersion);

  while (!ended()) {
    const end = maintenanceEnded ? undefined : opts.maintenanceEndMs?.();
    if (end === undefined) await condition(() => ended() || pending());
    else if (!(await condition(() => ended() || pending(), Math.max(1, end - Date.now())))) maintenanceEnded = true;
    if (ended()) break;
    if (m.deleted && deletedAt === null) deletedAt = Date.now();
    if (deletedAt !== null && Date.now() - deletedAt > DELETE_GIVE_UP_MS) return [];
    const version = m.configVersion;
    const command: LoopCommand = wantsStop() ? { action: 'stop' } : { action: 'configure', config: m.config, configVersion: version };
    if (await deliver(m.config.endpoint_id, command, ended)) {
      if (command.action === 'stop') stopSent = true;
      else sentVersion = version;
    }
  }
  if (failed || result === undefined) {
    // Not expected (the activity retries without limit); start a fresh lease after a pause rather than spin.
    await sleep('1 second');
    return [];
  }
  // A lost loop's lease had moved on; only a current one's state is the endpoint's.
  if (result.end === 'lost') return [];
  m.absorb(result, result.checks);
  return result.events;
}

/** Finds the boot that holds the loop and hands it the command; false when it could not (yet), after a short wait. */
async function deliver(endpointId: string, command: LoopCommand, ended: () => boolean): Promise<boolean> {
  const bootId = await locateCheckLoop(endpointId);
  if (bootId !== null) {
    try {
      if ((await commandActivity(bootId)({ endpointId, command })) === 'applied') return true;
    } catch {
      // That boot did not answer: it is gone, and its lease is being failed over. Try again below.
    }
  }
  // The lease is not written yet, or it is moving to another boot: look again shortly.
  await condition(ended, '1 second');
  return false;
}
