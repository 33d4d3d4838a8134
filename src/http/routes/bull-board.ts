// Bull Board for operators: every queue, behind basic auth. Without configured credentials the
// page does not exist (404) rather than being open.
import express, { type Router } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Deps } from '../../deps';
import { basicAuth } from '../middleware/basic-auth';

export const BULL_BOARD_PATH = '/admin/queues';

export function makeBullBoardRouter(deps: Pick<Deps, 'config' | 'queues'>): Router {
  const router = express.Router();
  const credentials = deps.config.bullBoard;
  if (!credentials) {
    router.use(BULL_BOARD_PATH, (_req, res) => void res.status(404).send('not found'));
    return router;
  }
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue, { readOnlyMode: credentials.readOnly })),
    serverAdapter,
  });
  router.use(
    BULL_BOARD_PATH,
    basicAuth(credentials.user, credentials.password, 'whatsapp-handler queues'),
    serverAdapter.getRouter() as Router,
  );
  return router;
}
