// Reads the inbound events stream (INBOUND_EVENTS_STREAM) as one consumer of the group
// `whatsapp-handler`: any number of worker processes share the entries. An entry is acknowledged
// (XACK) only once its outcome is durable (handleInboundEvent resolved); an entry a dead consumer
// left pending is taken over (XAUTOCLAIM) once it has been idle for `claimIdleMs`. While Postgres
// or Redis is down, entries stay pending and are tried again, backing off; an entry that fails
// for any other reason is kept for an operator and acknowledged, so it never blocks the stream.
import { hostname } from 'node:os';
import { duplicateWithoutPipelining, type RedisClient } from '../redis';
import type { Deps } from '../deps';
import { isDependencyOutage, outageWaitMs } from '../jobs/dependency-outage';
import { CONSUMER_GROUP } from './event-stream';
import { handleInboundEvent, keepInboundEvent } from './handle-inbound-event';

export type StreamConsumerOptions = {
  /** Entries read at once. */
  batchSize?: number;
  /** How long one read waits for new entries. */
  blockMs?: number;
  /** How long an entry stays pending with another consumer before this one takes it over. */
  claimIdleMs?: number;
  /** Entries of one batch handled at once (their order does not matter: each journey is locked). */
  concurrency?: number;
  consumerName?: string;
};

type Entry = [id: string, fields: string[] | null];

export type StreamConsumer = { stop(): Promise<void>; consumerName: string };

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

export async function ensureConsumerGroup(redis: RedisClient, stream: string): Promise<void> {
  try {
    // From the stream's start: events written before the first worker ever ran are handled too.
    await redis.xgroup('CREATE', stream, CONSUMER_GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
  }
}

export function startStreamConsumer(
  deps: Pick<Deps, 'db' | 'redis' | 'queues' | 'clock' | 'logger' | 'metrics' | 'config'>,
  options: StreamConsumerOptions = {},
): StreamConsumer {
  const stream = deps.config.inboundEvents.stream;
  const batchSize = options.batchSize ?? 100;
  const blockMs = options.blockMs ?? 2_000;
  const claimIdleMs = options.claimIdleMs ?? deps.config.inboundEvents.claimIdleMs;
  const concurrency = options.concurrency ?? 8;
  const consumerName = options.consumerName ?? `${hostname()}:${process.pid}`;
  const log = deps.logger.child({ stream, consumer: consumerName });
  // Blocking reads get a connection of their own, without auto-pipelining.
  const reader = duplicateWithoutPipelining(deps.redis);
  reader.on('error', (error) => log.warn({ err: error.message }, 'events stream connection error'));
  let stopping = false;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  let outages = 0;
  let lastClaim = 0;

  /** Handles one entry; resolves when it may be acknowledged, rejects when it must be tried again. */
  async function handle([id, fields]: Entry): Promise<void> {
    if (!Array.isArray(fields)) return; // trimmed from the stream while pending: nothing left to handle
    const envelopeJson = field(fields, 'envelope');
    try {
      if (envelopeJson === undefined) {
        const eventId = field(fields, 'event_id');
        const eventType = field(fields, 'event_type');
        await keepInboundEvent(deps, {
          source: 'stream',
          streamEntryId: id,
          ...(eventId !== undefined && { eventId }),
          ...(eventType !== undefined && { eventType }),
          reason: 'stream entry has no envelope field',
          raw: JSON.stringify(Object.fromEntries(pairs(fields))),
        });
        return;
      }
      await handleInboundEvent(deps, { source: 'stream', envelopeJson, streamEntryId: id });
    } catch (error) {
      if (isDependencyOutage(error)) throw error;
      // A fault of ours or of this entry that no retry will fix: keep it and move on.
      log.error({ streamEntryId: id, err: (error as Error).message }, 'inbound event failed; kept for an operator');
      await keepInboundEvent(deps, {
        source: 'stream',
        streamEntryId: id,
        reason: `handling failed: ${(error as Error).message}`.slice(0, 500),
        raw: envelopeJson ?? '',
      });
    }
  }

  /** Handles a batch, `concurrency` at a time; acknowledges each entry once handled. */
  async function handleAll(entries: Entry[]): Promise<boolean> {
    let next = 0;
    let failed = false;
    const lane = async () => {
      while (next < entries.length && !failed) {
        const entry = entries[next++]!;
        try {
          await handle(entry);
          await deps.redis.xack(stream, CONSUMER_GROUP, entry[0]);
        } catch (error) {
          failed = true;
          log.warn({ err: (error as Error).message }, 'a dependency is down; inbound events wait');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, lane));
    return !failed;
  }

  async function readBatch(pendingFirst: boolean): Promise<Entry[]> {
    const now = Date.now();
    if (now - lastClaim >= claimIdleMs / 2) {
      lastClaim = now;
      const [, claimed] = (await reader.xautoclaim(
        stream,
        CONSUMER_GROUP,
        consumerName,
        claimIdleMs,
        '0-0',
        'COUNT',
        batchSize,
      )) as [string, Entry[]];
      if (claimed.length > 0) {
        log.info({ entries: claimed.length }, 'took over inbound events a stopped consumer left pending');
        return claimed;
      }
    }
    // After a failed batch, this consumer's own unacknowledged entries come first (id 0).
    const reply = (
      pendingFirst
        ? await reader.xreadgroup('GROUP', CONSUMER_GROUP, consumerName, 'COUNT', batchSize, 'STREAMS', stream, '0')
        : await reader.xreadgroup(
            'GROUP',
            CONSUMER_GROUP,
            consumerName,
            'COUNT',
            batchSize,
            'BLOCK',
            blockMs,
            'STREAMS',
            stream,
            '>',
          )
    ) as Array<[string, Entry[]]> | null;
    return reply?.[0]?.[1] ?? [];
  }

  const loop = (async () => {
    let pendingFirst = true;
    while (!stopping) {
      try {
        // At start and after a failure (the stream or its group may have been deleted meanwhile).
        if (pendingFirst) await ensureConsumerGroup(reader, stream);
        const entries = await readBatch(pendingFirst);
        if (pendingFirst && entries.length === 0) pendingFirst = false;
        if (entries.length === 0) continue;
        const ok = await handleAll(entries);
        if (!ok) throw new Error('inbound events wait for a dependency');
        outages = 0;
      } catch (error) {
        if (stopping) break;
        outages += 1;
        pendingFirst = true;
        const waitMs = outageWaitMs(outages);
        if (outages === 1 || outages % 10 === 0) {
          log.warn({ err: (error as Error).message, outages, waitMs }, 'inbound events stream: waiting to try again');
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, waitMs))), stopped]);
        clearTimeout(timer);
      }
    }
  })();

  return {
    consumerName,
    async stop() {
      stopping = true;
      wake();
      // Interrupts a blocking read; what was read and not acknowledged stays pending for a peer.
      reader.disconnect();
      await loop;
    },
  };
}

function* pairs(fields: string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < fields.length; i += 2) yield [fields[i]!, fields[i + 1]!];
}
