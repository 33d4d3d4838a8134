// Where the tests find Postgres and Redis: DATABASE_URL / REDIS_URL when set; otherwise
// containers when a Docker engine is reachable (a developer laptop); otherwise the local servers.
import { existsSync } from 'node:fs';

export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export function dockerEngineReachable(): boolean {
  if (process.env.DOCKER_HOST) return true;
  return existsSync('/var/run/docker.sock');
}
