// Where `npm run chat` sends and reads: the running dev server's own URLs when its
// .dev-server.json is there (whatever PORT, LOCAL_TWILIO_PORT or prefix it was started with),
// else what this process's configuration says.
import type { Config } from '../config';
import type { DevServerInfo } from './dev-server-file';

export type ChatTargets = {
  /** Posted to and signed for, as Twilio would. */
  webhookUrl: string;
  /** The local Twilio stand-in, where replies and codes are read. */
  standInUrl: string;
  /** For `/event`: the server's database and claim-events stream. */
  databaseUrl: string;
  inboundEventsStream: string;
  /** Where these came from, for the chat's first line. */
  source: string;
};

export function chatTargets(config: Config, server: DevServerInfo | undefined): ChatTargets {
  const fromConfig: ChatTargets = {
    webhookUrl: `${config.publicBaseUrl}/webhooks/twilio/whatsapp`,
    standInUrl: `http://127.0.0.1:${config.localTwilioPort}`,
    databaseUrl: config.databaseUrl,
    inboundEventsStream: config.inboundEvents.stream,
    source: 'the configuration (no running `npm run dev` found in this checkout)',
  };
  if (server === undefined) return fromConfig;
  // The same Postgres server as configured here, the dev server's database on it.
  const databaseUrl = new URL(config.databaseUrl);
  databaseUrl.pathname = `/${server.database}`;
  return {
    webhookUrl: `${server.publicBaseUrl}/webhooks/twilio/whatsapp`,
    standInUrl: server.localTwilioUrl ?? fromConfig.standInUrl,
    databaseUrl: databaseUrl.toString(),
    inboundEventsStream: server.inboundEventsStream,
    source: `\`npm run dev\` (pid ${server.pid}, Redis prefix ${server.redisKeyPrefix})`,
  };
}
