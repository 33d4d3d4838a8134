// whatsapp_handler.users: one row per registered passenger, created only after consent.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '../db/pg-errors';
import { InvalidPhoneNumberError, UserAlreadyExistsError } from '../errors';
import { isE164 } from '../phone';

export type User = {
  id: string;
  phoneNumber: string;
  verifiedAt: Date | null;
  /** WhatsApp said the number cannot receive our messages; cleared when the passenger writes. */
  proactiveUnreachableSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

type UserRow = {
  id: string;
  phone_number: string;
  verified_at: Date | null;
  proactive_unreachable_since: Date | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = 'id, phone_number, verified_at, proactive_unreachable_since, created_at, updated_at';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    phoneNumber: row.phone_number,
    verifiedAt: row.verified_at,
    proactiveUnreachableSince: row.proactive_unreachable_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findUserById(db: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`select ${COLUMNS} from whatsapp_handler.users where id = $1::uuid`, [id]);
  return rows[0] && toUser(rows[0]);
}

export async function findUserByPhone(db: Queryable, phoneNumber: string): Promise<User | undefined> {
  // Named: every turn runs it, so each connection parses and plans it once.
  const { rows } = await db.query<UserRow>({
    name: 'find-user-by-phone',
    text: `select ${COLUMNS} from whatsapp_handler.users where phone_number = $1::varchar`,
    values: [phoneNumber],
  });
  return rows[0] && toUser(rows[0]);
}

/** Inserts a user; throws UserAlreadyExistsError when the phone number is taken. */
export async function createUser(db: Queryable, input: { phoneNumber: string; id?: string }): Promise<User> {
  if (!isE164(input.phoneNumber)) throw new InvalidPhoneNumberError(input.phoneNumber);
  try {
    const { rows } = await db.query<UserRow>(
      `insert into whatsapp_handler.users (id, phone_number) values ($1::uuid, $2::varchar) returning ${COLUMNS}`,
      [input.id ?? randomUUID(), input.phoneNumber],
    );
    return toUser(rows[0]!);
  } catch (error) {
    if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw new UserAlreadyExistsError();
    throw error;
  }
}

/** Sets verified_at once; returns the user, or undefined when no such user exists. */
export async function markUserVerified(db: Queryable, id: string, verifiedAt: Date): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(
    `update whatsapp_handler.users
        set verified_at = coalesce(verified_at, $2::timestamptz), updated_at = now()
      where id = $1::uuid
      returning ${COLUMNS}`,
    [id, verifiedAt],
  );
  return rows[0] && toUser(rows[0]);
}

/** Deletes the user (preferences cascade); returns whether a row was deleted. */
export async function deleteUser(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`delete from whatsapp_handler.users where id = $1::uuid`, [id]);
  return rowCount === 1;
}

/**
 * Deletes up to `limit` users who never verified and registered more than `days` days ago, by the
 * database's clock, oldest first; returns their ids. Rows another transaction holds (a code being
 * checked right now) are skipped, not waited for. Preferences, journeys and ticket files cascade.
 */
export async function deleteUnverifiedOlderThan(db: Queryable, days: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `with expired as (
       select id from whatsapp_handler.users
        where verified_at is null and created_at < now() - make_interval(days => $1::int)
        order by created_at
        limit $2::int
        for update skip locked
     )
     delete from whatsapp_handler.users as u using expired where u.id = expired.id
     returning u.id`,
    [days, limit],
  );
  return rows.map((row) => row.id);
}

/** Reads and row-locks a user until the transaction ends; undefined when no such user exists. */
export async function lockUserById(db: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(
    `select ${COLUMNS} from whatsapp_handler.users where id = $1::uuid for update`,
    [id],
  );
  return rows[0] && toUser(rows[0]);
}

/** Reads and row-locks the user with this phone number until the transaction ends. */
export async function lockUserByPhone(db: Queryable, phoneNumber: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(
    `select ${COLUMNS} from whatsapp_handler.users where phone_number = $1::varchar for update`,
    [phoneNumber],
  );
  return rows[0] && toUser(rows[0]);
}

/** Marks the number unreachable for proactive messages (WhatsApp error 63024, 63032, ...). */
export async function markProactiveUnreachable(db: Queryable, phoneNumber: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update whatsapp_handler.users set proactive_unreachable_since = now(), updated_at = now()
      where phone_number = $1::varchar and proactive_unreachable_since is null`,
    [phoneNumber],
  );
  return (rowCount ?? 0) > 0;
}

/** The passenger wrote again: proactive messages may reach them. */
export async function clearProactiveUnreachable(db: Queryable, id: string): Promise<void> {
  await db.query(
    `update whatsapp_handler.users set proactive_unreachable_since = null, updated_at = now()
      where id = $1::uuid and proactive_unreachable_since is not null`,
    [id],
  );
}
