// Builds Gatus, the peer benchmark's comparison, from the Go module proxy into the git-ignored .tools folder:
// .tools/bin/gatus-<version> (scripts/lib/go-build.ts: a throwaway module, caches under .tools/go).
// Idempotent: a present binary is used as it is.
import { join } from 'node:path';
import { buildGoPrograms, TOOLS_BIN_DIR } from '../../scripts/lib/go-build.ts';

const GATUS_VERSION = '5.15.0';
const GATUS_BIN = join(TOOLS_BIN_DIR, `gatus-${GATUS_VERSION}`);
const GATUS_MODULE = 'github.com/TwiN/gatus/v5';

export async function installGatus(log: (m: string) => void = (m) => console.error(`[tools] ${m}`)): Promise<string> {
  await buildGoPrograms({
    label: `gatus ${GATUS_VERSION} (the peer benchmark's comparison)`,
    minGo: '1.24',
    version: `v${GATUS_VERSION}`,
    programs: [{ pkg: GATUS_MODULE, bin: GATUS_BIN }],
    // The checksum database has no entry for this Gatus version (404), so this one module skips it; every one of
    // its dependencies is still verified against the checksum database.
    noSumDb: 'github.com/TwiN/gatus',
    log,
  });
  return GATUS_BIN;
}
