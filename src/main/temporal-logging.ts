import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
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

/**
 * The SDK's logger, less one warning: the check-loop workers poll activity task queues only, by design, and the SDK
 * warns at each start that they have no workflows.
 */
export class TemporalLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message.startsWith('No workflows registered')) return;
    super.log(level, message, meta);
  }
}

/** Must run before the first worker or native connection is created. */
export function installTemporalLogging(level: AppConfig['logLevel']): void {
  Runtime.install({ logger: new TemporalLogger(LEVELS[level]) });
}
