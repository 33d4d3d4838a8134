// Graceful shutdown shared by every composition root: on SIGTERM/SIGINT run the steps in order,
// each bounded, and exit 0; a second signal or the overall bound forces exit 1.
import type { Logger } from '../logger';

// Heroku-style platforms send SIGKILL 30 s after SIGTERM; finish well before.
const SHUTDOWN_BOUND_MS = 25_000;

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

/**
 * `steps` is asked for when the signal comes; it may wait, so a process can listen from its very
 * start and, on a signal during start-up, stop what it started once it has (within the bound).
 */
export function onShutdownSignal(logger: Logger, steps: () => ShutdownStep[] | Promise<ShutdownStep[]>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ boundMs: SHUTDOWN_BOUND_MS }, 'shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_BOUND_MS);
    timer.unref();
    let failed = false;
    let planned: ShutdownStep[];
    try {
      planned = await steps();
    } catch (error) {
      // Start-up failed; runMain reports it and exits 1.
      logger.error({ err: (error as Error).message }, 'shutdown during a failed start-up');
      process.exit(1);
    }
    for (const step of planned) {
      try {
        await step.run();
      } catch (error) {
        failed = true;
        logger.error({ step: step.name, err: (error as Error).message }, 'shutdown step failed');
      }
    }
    logger.info('shutdown complete');
    // pino writes synchronously to stdout by default, so the lines above are out.
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Runs main(); a start-up failure prints one line and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
