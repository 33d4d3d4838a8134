// whatsapp_handler.journey_ticket_files: the ticket photos and PDFs passengers send. A file is
// staged (journey_id null) while the report is being written and attached, numbered from 1, when
// the journey is submitted; staged files nobody attached are purged after a day.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';
import { MAX_TICKET_BYTES, TICKET_CONTENT_TYPES, type TicketContentType } from '../tickets/ticket-type';

export function isTicketContentType(value: string): value is TicketContentType {
  return (TICKET_CONTENT_TYPES as readonly string[]).includes(value);
}

export type NewTicketFile = {
  userId: string;
  /** One of TICKET_CONTENT_TYPES. */
  contentType: string;
  bytes: Buffer;
  /** Twilio's MediaSid, kept so the media can be traced (or deleted at Twilio) later. */
  twilioMediaSid?: string | null;
};

/**
 * Stores a file for a report still being written (no journey yet). Callers check the type and
 * size first (and tell the passenger); here a bad one is a programming error.
 */
export async function storeTicketFile(db: Queryable, file: NewTicketFile): Promise<{ id: string }> {
  if (!isTicketContentType(file.contentType)) throw new RangeError(`not a ticket content type: ${file.contentType}`);
  if (file.bytes.length === 0 || file.bytes.length > MAX_TICKET_BYTES) {
    throw new RangeError(`a ticket file must be 1 to ${MAX_TICKET_BYTES} bytes, not ${file.bytes.length}`);
  }
  const id = randomUUID();
  await db.query(
    `insert into whatsapp_handler.journey_ticket_files (id, user_id, content_type, byte_size, bytes, twilio_media_sid)
     values ($1::uuid, $2::uuid, $3::varchar, octet_length($4::bytea), $4::bytea, $5::varchar)`,
    [id, file.userId, file.contentType, file.bytes, file.twilioMediaSid ?? null],
  );
  return { id };
}

/**
 * Attaches staged files to a journey, numbered in the order of `ids` (after any it already has).
 * Only this user's files that are still staged are taken: another user's id, an attached file or
 * one already purged is skipped. Returns how many were attached.
 */
export async function attachTicketFiles(
  db: Queryable,
  input: { journeyId: string; userId: string; ids: readonly string[] },
): Promise<number> {
  if (input.ids.length === 0) return 0;
  // The staged conditions are repeated on the updated row so that a row changed by a concurrent
  // transaction is checked again in its new version.
  const { rowCount } = await db.query(
    `with wanted as (
       select id, min(ordinality) as ordinality
         from unnest($3::uuid[]) with ordinality as w(id, ordinality)
        group by id
     ), numbered as (
       select f.id,
              (select coalesce(max(a.position), 0)
                 from whatsapp_handler.journey_ticket_files a
                where a.journey_id = $1::uuid)
              + row_number() over (order by w.ordinality) as position
         from whatsapp_handler.journey_ticket_files f
         join wanted w on w.id = f.id
        where f.user_id = $2::uuid and f.journey_id is null
     )
     update whatsapp_handler.journey_ticket_files f
        set journey_id = $1::uuid, position = n.position::int
       from numbered n
      where f.id = n.id and f.user_id = $2::uuid and f.journey_id is null`,
    [input.journeyId, input.userId, input.ids],
  );
  return rowCount ?? 0;
}

/** Deletes this user's staged files among `ids` (a cancelled report); attached ones stay. */
export async function discardTicketFiles(db: Queryable, userId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowCount } = await db.query(
    `delete from whatsapp_handler.journey_ticket_files
      where id = any($2::uuid[]) and user_id = $1::uuid and journey_id is null`,
    [userId, ids],
  );
  return rowCount ?? 0;
}

/** The n-th file (from 1) of a journey, or undefined when it has fewer. */
export async function ticketFile(
  db: Queryable,
  journeyId: string,
  n: number,
): Promise<{ contentType: TicketContentType; bytes: Buffer } | undefined> {
  const { rows } = await db.query<{ content_type: TicketContentType; bytes: Buffer }>(
    `select content_type, bytes
       from whatsapp_handler.journey_ticket_files
      where journey_id = $1::uuid and position = $2::int`,
    [journeyId, n],
  );
  return rows[0] && { contentType: rows[0].content_type, bytes: rows[0].bytes };
}

/**
 * Deletes at most `batchSize` staged files created more than `olderThanHours` ago (by the
 * database's clock), oldest first: uploads of reports that were cancelled without the discard
 * running, or abandoned. Returns how many went; callers loop while it is full.
 */
export async function purgeStaleTicketFiles(db: Queryable, olderThanHours: number, batchSize: number): Promise<number> {
  // The batch is chosen once in a CTE (a locking CTE is never inlined): inside IN (...) a LIMIT
  // with FOR UPDATE may be run again for each outer row and delete more than the batch. skip
  // locked: a file being attached right now is not waited for; journey_id is null is checked
  // again on the deleted row, so a file attached since the batch was read stays.
  const { rowCount } = await db.query(
    `with batch as (
       select id
         from whatsapp_handler.journey_ticket_files
        where journey_id is null
          and created_at < now() - make_interval(hours => $1::int)
        order by created_at
        limit $2::int
        for update skip locked
     )
     delete from whatsapp_handler.journey_ticket_files f
      using batch
      where f.id = batch.id and f.journey_id is null`,
    [olderThanHours, batchSize],
  );
  return rowCount ?? 0;
}
