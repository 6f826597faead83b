// How every entry point stops (npm start, npm run api, npm run worker): SIGINT or SIGTERM, or a fatal condition the
// process reports itself, runs the registered stops once, the last registered first (so what started last, and
// depends on the rest, stops first), logs a stop that fails and goes on with the others, then exits.

export interface Shutdown {
  /** Registers a stop; stops run in reverse order of registration. */
  add(stop: () => Promise<void> | void): void;
  /** Stops everything and exits with `exitCode`; a second call while stopping does nothing. */
  run(reason: string, exitCode?: number): Promise<void>;
}

export function createShutdown(log: (msg: string) => void): Shutdown {
  const stops: Array<() => Promise<void> | void> = [];
  let stopping = false;
  const run = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log(exitCode === 0 ? `${reason} received, stopping` : `${reason}; stopping`);
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log(`error while stopping: ${String(err)}`);
      }
    }
    log('stopped');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void run('SIGINT'));
  process.on('SIGTERM', () => void run('SIGTERM'));
  return { add: (stop) => void stops.push(stop), run };
}

/** The last word of an entry point that could not start: a configuration error is one line, anything else in full. */
export function failedToStart(prefix: string, err: unknown, expected: (err: unknown) => boolean): never {
  if (expected(err) && err instanceof Error) console.error(`${prefix} ${err.message}`);
  else console.error(`${prefix} failed to start:`, err);
  process.exit(1);
}
