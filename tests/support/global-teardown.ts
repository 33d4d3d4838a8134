import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (template) {
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists "${template}" with (force)`);
    await admin.end();
  }
  for (const container of globalThis.__TEST_CONTAINERS__ ?? []) await container.stop();
  // Only the cluster global setup started: never one given through TEST_REDIS_CLUSTER_NODES.
  await globalThis.__TEST_REDIS_CLUSTER__?.stop();
}
