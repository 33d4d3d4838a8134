// The whole conversation through the real processes: signed webhooks into the web process,
// queues and a worker process, the official Twilio client talking to the local stand-in.
import { texts } from '../../src/conversation/texts';
import { eventually } from '../support/eventually';
import { REDIS_MODES } from '../support/redis-modes';
import { startStack, type Stack } from './stack';

const PHONE = '+447700900301';

describe.each(REDIS_MODES)('a conversation end to end (%s Redis)', (mode) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ redis: mode, workers: 1, env: { VERIFY_RESEND_COOLDOWN_SECONDS: '1' } });
  }, 60_000);
  afterAll(() => stack?.stop(), 30_000);

  const replies = () => stack.twilio.messagesTo(`whatsapp:${PHONE}`).map((m) => m.body);

  /** Sends one message and waits for its one reply. */
  async function send(body: string): Promise<string> {
    const before = replies().length;
    const { status } = await stack.webhooks.inbound({ from: PHONE, body });
    expect(status).toBe(200);
    return eventually(
      () => {
        const list = replies();
        expect(list.length).toBeGreaterThan(before);
        return list[before]!;
      },
      { timeoutMs: 20_000, what: `the reply to ${JSON.stringify(body)}` },
    );
  }

  async function userRow(): Promise<{ id: string; verified_at: Date | null } | undefined> {
    const { rows } = await stack.database.pool.query<{ id: string; verified_at: Date | null }>(
      `select id, verified_at from whatsapp_handler.users where phone_number = $1`,
      [PHONE],
    );
    return rows[0];
  }

  async function events(): Promise<Array<{ event_type: string; aggregate_id: string; payload: unknown }>> {
    const { rows } = await stack.database.pool.query<{ event_type: string; aggregate_id: string; payload: unknown }>(
      `select event_type, aggregate_id, payload from whatsapp_handler.outbox_events order by seq`,
    );
    return rows;
  }

  it('goes through consent, verification, settings, STOP, START and DELETE MY DATA', async () => {
    expect(await send('Hi')).toBe(texts.welcome);
    expect(await send('NO')).toBe(texts.goodbyeNoConsent);
    expect(await userRow()).toBeUndefined();

    expect(await send('Hello again')).toBe(texts.welcome);
    expect(await send('YES')).toBe(texts.codeSent);
    const user = (await userRow())!;
    expect(user.verified_at).toBeNull();
    const firstCode = stack.twilio.lastCode(PHONE)!;

    const wrong = firstCode === '000000' ? '111111' : '000000';
    expect(await send(wrong)).toBe(texts.wrongCode(4));

    // Not a poll: waits out the RESEND cooldown (1 s here), a real duration. Nothing signals its end;
    // a RESEND sent to find out would be answered `resendWait` and become part of the conversation.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Twilio resends the same code of the pending verification; the wrong try still counts.
    expect(await send('RESEND')).toBe(texts.codeResent(4));
    const code = stack.twilio.lastCode(PHONE)!;
    expect(code).toBe(firstCode);
    expect(await send(code)).toBe(`${texts.verified}\n\n${texts.menu}`);
    expect((await userRow())!.verified_at).not.toBeNull();

    expect(await send('SETTINGS')).toBe(
      texts.settings({ notifications: true, homeStation: undefined, optedOut: false, quietHours: true }),
    );
    expect(await send('1')).toBe(texts.notificationsSet(false));
    expect(await send('STOP')).toBe(texts.stopped);
    expect(await send('START')).toBe(texts.started);
    const { rows: preferences } = await stack.database.pool.query(
      `select preference_key, preference_value from whatsapp_handler.user_preferences where user_id = $1 order by preference_key`,
      [user.id],
    );
    expect(preferences).toEqual([
      { preference_key: 'notifications', preference_value: false },
      { preference_key: 'opted_out', preference_value: false },
    ]);

    expect(await send('DELETE MY DATA')).toBe(texts.confirmDelete);
    expect(await send('DELETE')).toBe(texts.deleted);
    expect(await userRow()).toBeUndefined();
    const { rows: leftovers } = await stack.database.pool.query(`select 1 from whatsapp_handler.user_preferences`);
    expect(leftovers).toEqual([]);

    // Every reply, exactly once and in order, from the stand-in's own record.
    expect(replies()).toEqual([
      texts.welcome,
      texts.goodbyeNoConsent,
      texts.welcome,
      texts.codeSent,
      texts.wrongCode(4),
      texts.codeResent(4),
      `${texts.verified}\n\n${texts.menu}`,
      texts.settings({ notifications: true, homeStation: undefined, optedOut: false, quietHours: true }),
      texts.notificationsSet(false),
      texts.stopped,
      texts.started,
      texts.confirmDelete,
      texts.deleted,
    ]);
    expect(stack.twilio.messagesTo(`whatsapp:${PHONE}`).every((m) => m.from === 'whatsapp:+14155238886')).toBe(true);

    const id = user.id;
    expect(await events()).toEqual([
      {
        event_type: 'user.registered',
        aggregate_id: id,
        payload: { user_id: id, terms_version: '2026-11', terms_accepted_at: expect.stringMatching(/Z$/) },
      },
      { event_type: 'user.verified', aggregate_id: id, payload: { user_id: id } },
      {
        event_type: 'user.preferences_updated',
        aggregate_id: id,
        payload: { user_id: id, key: 'notifications', value: false },
      },
      {
        event_type: 'user.preferences_updated',
        aggregate_id: id,
        payload: { user_id: id, key: 'opted_out', value: true },
      },
      {
        event_type: 'user.preferences_updated',
        aggregate_id: id,
        payload: { user_id: id, key: 'opted_out', value: false },
      },
      { event_type: 'user.deleted', aggregate_id: id, payload: { user_id: id, reason: 'user_request' } },
    ]);
    // The conversation state goes as the deletion's turn finishes (just after its reply is sent).
    await eventually(async () => expect(await stack.redis.get(stack.keys.conversation(PHONE))).toBeNull(), {
      timeoutMs: 5_000,
      what: 'the conversation state deleted',
    });
  }, 90_000);
});
