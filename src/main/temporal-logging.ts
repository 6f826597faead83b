import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { AppConfig } from '../config/config.ts';

const LEVELS: Record<AppConfig['logLevel'], LogLevel> = {
  fatal: 'ERROR',
  error: 'ERROR',
  warn: 'WARN',
  info: 'WARN', // the SDK's INFO is the webpack bundle report on every start; WARN keeps start-up readable
  debug: 'DEBUG',
  trace: 'TRACE',
  silent: 'ERROR',
};

/** Must run before the first worker or native connection is created. */
export function installTemporalLogging(level: AppConfig['logLevel']): void {
  Runtime.install({ logger: new DefaultLogger(LEVELS[level]) });
}
