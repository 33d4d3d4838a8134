import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Runs scripts/migrate.mjs (the release command) against a database. */
export function migrate(databaseUrl: string, ...args: string[]): void {
  execFileSync(process.execPath, [path.join(__dirname, '../../scripts/migrate.mjs'), ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, MIGRATE_QUIET: '1' },
    stdio: 'pipe',
  });
}
