// `.dev-server.json`: what a running `npm run dev` tells the other local tools about itself, so
// `npm run chat` finds its webhook and stand-in without being given ports, and a second
// `npm run dev` in the same checkout refuses to start beside the first. Written once the server is
// ready, removed when it stops; a file left by a process that is gone is ignored. It holds no
// secret: URLs, the Redis prefix, the database name, the pid.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const DEV_SERVER_FILE_NAME = '.dev-server.json';

const devServerInfoSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.iso.datetime(),
  /** Where the web process listens, on this machine. */
  webUrl: z.url(),
  /** PUBLIC_BASE_URL: the URL webhooks are signed for. */
  publicBaseUrl: z.url(),
  /** The local Twilio stand-in; absent when real Twilio credentials are set. */
  localTwilioUrl: z.url().optional(),
  redisKeyPrefix: z.string(),
  database: z.string(),
  inboundEventsStream: z.string(),
});
export type DevServerInfo = z.infer<typeof devServerInfoSchema>;

/** The state file of a checkout: DEV_SERVER_FILE when set, else .dev-server.json at its root. */
export function devServerFilePath(configured: string | undefined, checkoutDir: string): string {
  return path.resolve(checkoutDir, configured ?? DEV_SERVER_FILE_NAME);
}

/** Whether a process with this id is running (one we may not signal still counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the file whole (a reader never sees half of it). */
export async function writeDevServerFile(file: string, info: DevServerInfo): Promise<void> {
  const partial = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(partial, `${JSON.stringify(devServerInfoSchema.parse(info), null, 2)}\n`);
  await rename(partial, file);
}

/** The running dev server's info; undefined when there is no file, it is unreadable, or its process is gone. */
export async function readDevServerFile(
  file: string,
  alive: (pid: number) => boolean = processAlive,
): Promise<DevServerInfo | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const info = devServerInfoSchema.safeParse(value);
  return info.success && alive(info.data.pid) ? info.data : undefined;
}

/** Removes the file if it is still this process's (another server may have replaced it since). */
export async function removeDevServerFile(file: string, pid: number = process.pid): Promise<void> {
  const info = await readDevServerFile(file, () => true);
  if (info?.pid === pid) await rm(file, { force: true });
}
