// `npm run tools:install-server`: builds the production Temporal server and its schema tool from the Go module
// go.temporal.io/server, at the version docker-compose.yml runs (temporalio/server:<version>), into the git-ignored
// .tools/bin as temporal-server-<version> and temporal-sql-tool-<version>. The production-topology fault test
// (test/faults/production-topology.test.ts) runs them on PostgreSQL without Docker. Idempotent: present binaries are
// used as they are. Takes about 5 minutes on 2 cores with empty caches (almost all of it compiling), ~190 MB + 55 MB.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildGoPrograms, PROJECT_ROOT, TOOLS_BIN_DIR, type GoBuildTimes } from './lib/go-build.ts';

/** The server version docker-compose.yml pins, so this build and the compose stack never drift apart. */
function composeServerVersion(): string {
  const compose = readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
  const m = compose.match(/^\s*image:\s*temporalio\/server:(\d+\.\d+\.\d+)\s*$/m);
  if (!m) throw new Error('docker-compose.yml has no `image: temporalio/server:<x.y.z>` line to take the version from');
  return m[1]!;
}

export const TEMPORAL_SERVER_VERSION = composeServerVersion();
export const TEMPORAL_SERVER_BIN = join(TOOLS_BIN_DIR, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
export const TEMPORAL_SQL_TOOL_BIN = join(TOOLS_BIN_DIR, `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`);

export async function installTemporalServer(log?: (m: string) => void): Promise<GoBuildTimes> {
  return buildGoPrograms({
    label: `temporal-server ${TEMPORAL_SERVER_VERSION}`,
    // go.temporal.io/server v1.31's go.mod asks for this Go; GOTOOLCHAIN=local refuses anything older
    minGo: '1.26.4',
    version: `v${TEMPORAL_SERVER_VERSION}`,
    programs: [
      { pkg: 'go.temporal.io/server/cmd/server', bin: TEMPORAL_SERVER_BIN },
      { pkg: 'go.temporal.io/server/cmd/tools/sql', bin: TEMPORAL_SQL_TOOL_BIN },
    ],
    // every module involved is in the checksum database: no GONOSUMDB
    ...(log && { log }),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const times = await installTemporalServer();
  console.log(
    times
      ? `temporal-server ${TEMPORAL_SERVER_VERSION} built: download ${(times.downloadMs / 1000).toFixed(0)} s, compile ${(times.buildMs / 1000).toFixed(0)} s`
      : `temporal-server ${TEMPORAL_SERVER_VERSION} is installed in .tools/bin`,
  );
}
