// The read model's housekeeping (retention, rollups) runs in every worker on a timer: runs never overlap, a failed
// run is logged and tried again at the next tick, and stop() waits for the run in progress so shutdown never cuts a
// transaction in half.
export interface PeriodicJob {
  stop(): Promise<void>;
}

/** Runs job now and then every everyMs (timer unref'd); a throw is reported as `<name> failed, will retry: …`. */
export function startPeriodicJob(name: string, everyMs: number, log: (msg: string) => void, job: () => Promise<void>): PeriodicJob {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        await job();
      } catch (err) {
        log(`${name} failed, will retry: ${String(err)}`);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
