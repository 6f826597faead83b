// The check loops this worker boot runs now, by endpoint. The control activities find a loop here; handover and
// ownership checks walk it.
import type { CheckLoop } from './check-loop.ts';

export class CheckLoopRegistry {
  private readonly loops = new Map<string, CheckLoop>();

  get size(): number {
    return this.loops.size;
  }

  get(endpointId: string): CheckLoop | undefined {
    return this.loops.get(endpointId);
  }

  /** A second loop for the same endpoint here means the first one's lease moved on: that one is stale. */
  add(loop: CheckLoop): void {
    const previous = this.loops.get(loop.endpointId);
    if (previous && previous !== loop) previous.stop('lost');
    this.loops.set(loop.endpointId, loop);
    void loop.done.then(() => {
      if (this.loops.get(loop.endpointId) === loop) this.loops.delete(loop.endpointId);
    });
  }

  /** Hands back every loop (a graceful stop), or the n that started last (rebalancing). */
  handover(n = Infinity): number {
    const byAge = [...this.loops.values()].sort((a, b) => b.startedAtMs - a.startedAtMs);
    const chosen = byAge.slice(0, n);
    for (const loop of chosen) loop.stop('handover');
    return chosen.length;
  }

  /** Stops the loops whose lease this boot no longer holds (older than minAgeMs, so a lease being written is spared). */
  stopLost(held: ReadonlySet<string>, nowMs: number, minAgeMs: number): number {
    let stopped = 0;
    for (const loop of this.loops.values()) {
      if (!held.has(loop.endpointId) && nowMs - loop.startedAtMs >= minAgeMs) {
        loop.stop('lost');
        stopped++;
      }
    }
    return stopped;
  }
}
