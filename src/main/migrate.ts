// `npm run migrate`: applies the committed drizzle migrations to DATABASE_URL, then exits.
import { loadConfig } from '../config/config.ts';
import { openDatabase } from './runtime.ts';

const config = loadConfig(process.env, 'migrate');
const database = await openDatabase(config, { embedded: false });
try {
  await database.migrate();
  console.log('[vantastatus] migrations applied');
} finally {
  await database.close();
}
