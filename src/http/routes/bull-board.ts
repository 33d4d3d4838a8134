// Bull Board for operators: every queue, behind basic auth. Without configured credentials the
// page does not exist (404) rather than being open. Its state-changing requests are accepted from
// its own origin only (CSRF), its pages are never framed (clickjacking), and the actions that
// send messages nobody asked for or throw work away are off unless BULL_BOARD_DANGEROUS_ACTIONS.
import express, { type RequestHandler, type Router } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Deps } from '../../deps';
import { basicAuth } from '../middleware/basic-auth';
import { sameOriginOnly } from '../middleware/same-origin-only';
import { refuseDangerousActions } from './bull-board-dangerous-actions';

export const BULL_BOARD_PATH = '/admin/queues';

/** A page framed by another site could have an operator click its buttons, all same-origin. */
const refuseFraming: RequestHandler = (_req, res, next) => {
  res.set('Content-Security-Policy', "frame-ancestors 'none'").set('X-Frame-Options', 'DENY');
  next();
};

export function makeBullBoardRouter(deps: Pick<Deps, 'config' | 'queues'>): Router {
  const router = express.Router();
  const credentials = deps.config.bullBoard;
  if (!credentials) {
    router.use(BULL_BOARD_PATH, (_req, res) => void res.status(404).send('not found'));
    return router;
  }
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  // allowCompletedRetries only hides the button (the hook refuses the request): the base adapter
  // reads it, BullMQAdapter's constructor type leaves it out, hence the variable.
  const adapterOptions = { readOnlyMode: credentials.readOnly, allowCompletedRetries: credentials.dangerousActions };
  createBullBoard({
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue, adapterOptions)),
    serverAdapter,
    options: credentials.dangerousActions ? {} : { handlerHooks: refuseDangerousActions() },
  });
  router.use(
    BULL_BOARD_PATH,
    basicAuth(credentials.user, credentials.password, 'whatsapp-handler queues'),
    sameOriginOnly({ publicBaseUrl: deps.config.publicBaseUrl }),
    refuseFraming,
    serverAdapter.getRouter() as Router,
  );
  return router;
}
