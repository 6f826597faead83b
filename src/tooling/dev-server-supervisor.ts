// Embedded mode's Temporal dev server, kept alive: when it dies (a crash, an out-of-memory kill), it is started again
// on the same ports and sqlite file with a bounded backoff, and the clients reconnect by themselves; /readyz answers
// 503 meanwhile. If it keeps dying, or cannot be started again, the product gives up and exits non-zero rather than
// serve an API whose checks and deliveries have silently stopped.
import { startDevServer, type DevServer, type DevServerOptions } from './dev-server.ts';
import { writeDevServerPid } from './dev-server-pid.ts';

/** Waits before each restart; more deaths than this within RESTART_WINDOW_MS and the supervisor gives up. */
const RESTART_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000];
const RESTART_WINDOW_MS = 10 * 60 * 1000;

export interface SupervisedDevServer {
  readonly address: string;
  readonly uiUrl: string | null;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function superviseDevServer(
  o: DevServerOptions & { pidFile: string },
  hooks: { log(msg: string): void; giveUp(reason: string): void; sleep?: (ms: number) => Promise<void> },
): Promise<SupervisedDevServer> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let current: DevServer = await startDevServer(o);
  await writeDevServerPid(o.pidFile, current.pid);
  let stopped = false;
  const deaths: number[] = [];

  const watch = async (server: DevServer): Promise<void> => {
    const { code, signal } = await server.died;
    if (stopped) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0]! < now - RESTART_WINDOW_MS) deaths.shift();
    hooks.log(
      `the Temporal dev server (pid ${server.pid}) died (${signal ?? `exit code ${code}`}); checks and deliveries wait until it is back`,
    );
    for (let attempt = 0; ; attempt++) {
      if (deaths.length > RESTART_BACKOFF_MS.length || attempt >= RESTART_BACKOFF_MS.length) {
        return hooks.giveUp(
          `the Temporal dev server could not be kept running (deaths in the last ${RESTART_WINDOW_MS / 60_000} minutes: ${deaths.length}; failed restarts: ${attempt}); see the messages above`,
        );
      }
      await sleep(RESTART_BACKOFF_MS[Math.min(deaths.length - 1 + attempt, RESTART_BACKOFF_MS.length - 1)]!);
      if (stopped) return;
      try {
        current = await startDevServer(o);
        await writeDevServerPid(o.pidFile, current.pid);
        hooks.log(`the Temporal dev server is back (pid ${current.pid})`);
        void watch(current);
        return;
      } catch (err) {
        hooks.log(`starting the Temporal dev server again failed: ${String(err)}`);
      }
    }
  };
  void watch(current);

  return {
    address: current.address,
    uiUrl: current.uiUrl,
    get pid() {
      return current.pid;
    },
    async stop() {
      stopped = true;
      await current.stop();
    },
  };
}
