// /healthz says the process is alive; /readyz says it can do its work (Postgres and Redis
// answer) and turns 503 as soon as shutdown starts so the router stops sending traffic.
import express, { type Router } from 'express';
import type { Deps } from '../../deps';

const CHECK_TIMEOUT_MS = 1_000;

export type Readiness = { shuttingDown: boolean };

async function check(name: string, probe: () => Promise<unknown>): Promise<[string, string]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS))),
    ]);
    return [name, 'ok'];
  } catch (error) {
    return [name, (error as Error).message || 'unreachable'];
  } finally {
    clearTimeout(timer);
  }
}

export function makeHealthRouter(deps: Pick<Deps, 'db' | 'redis'>, readiness: Readiness): Router {
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
      await Promise.all([check('postgres', () => deps.db.query('select 1')), check('redis', () => deps.redis.ping())]),
    );
    const ready = Object.values(checks).every((result) => result === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
