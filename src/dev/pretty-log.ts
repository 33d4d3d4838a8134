// `npm run dev` in a terminal: log lines a person reads, one per event, instead of JSON. Only
// dev.ts uses this (pino-pretty is a devDependency); web and worker keep pino's JSON, and so does
// `npm run dev` when its output goes to a pipe or a file (tests, `| jq`).
import pretty from 'pino-pretty';
import type { DestinationStream } from 'pino';

export function prettyLogDestination(): DestinationStream {
  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
    // Written at once, so the last lines before an exit are not lost.
    sync: true,
  });
}
