// The service's own pino logger, written to memory so a test can read what would be logged.
import { makeLogger, type Logger } from '../../src/logger';

export type LogLines = { logger: Logger; lines(): Array<Record<string, unknown>>; text(): string };

export function captureLogs(level = 'debug'): LogLines {
  const written: string[] = [];
  const logger = makeLogger(level, { write: (line: string) => void written.push(line) });
  return {
    logger,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => written.join(''),
  };
}
