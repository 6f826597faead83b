// The repository's root folder, for the few things that live beside the code: package.json, the workflow bundle,
// the console's build, the migrations and the local tools folder.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
