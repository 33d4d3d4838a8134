// /healthz says the process is alive; /readyz says it can do its work (Postgres and Redis
// answer) and turns 503 as soon as shutdown starts so the router stops sending traffic. Both are
// public: /readyz says only which dependency is down; why (an error naming a host and port) goes
// to the log.
import express, { type Router } from 'express';
import type { Deps } from '../../deps';
import type { Logger } from '../../logger';

const CHECK_TIMEOUT_MS = 1_000;

export type Readiness = { shuttingDown: boolean };

type CheckResult = 'ok' | 'down';

async function check(logger: Logger, name: string, probe: () => Promise<unknown>): Promise<[string, CheckResult]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS))),
    ]);
    return [name, 'ok'];
  } catch (error) {
    logger.warn({ check: name, err: (error as Error)?.message || 'unreachable' }, 'readiness check failed');
    return [name, 'down'];
  } finally {
    clearTimeout(timer);
  }
}

export function makeHealthRouter(deps: Pick<Deps, 'db' | 'redis' | 'logger'>, readiness: Readiness): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (readiness.shuttingDown) {
      res.status(503).json({ status: 'shutting down' });
      return;
    }
    const checks = Object.fromEntries(
      await Promise.all([
        check(deps.logger, 'postgres', () => deps.db.query('select 1')),
        check(deps.logger, 'redis', () => deps.redis.ping()),
      ]),
    );
    const ready = Object.values(checks).every((result) => result === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
