// `npm run migrate up|down [count]`: the release step and the test harness both run this,
// so migrations are applied the same way everywhere.
import { runner } from 'node-pg-migrate';

const [direction = 'up', countArg] = process.argv.slice(2);
if (direction !== 'up' && direction !== 'down') {
  console.error(`migrate: direction must be "up" or "down", got "${direction}"`);
  process.exit(1);
}
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// "down" undoes one migration unless told otherwise, like the node-pg-migrate CLI.
const count = countArg === undefined ? (direction === 'down' ? 1 : Infinity) : Number(countArg);

try {
  await runner({
    databaseUrl,
    dir: new URL('../migrations', import.meta.url).pathname,
    direction,
    count,
    migrationsTable: 'pgmigrations',
    migrationsSchema: 'public',
    checkOrder: true,
    singleTransaction: true,
    log: process.env.MIGRATE_QUIET ? () => {} : console.log,
  });
} catch (error) {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
