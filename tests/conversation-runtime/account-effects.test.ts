import { deleteUserData, markVerified, registerUser } from '../../src/conversation-runtime/account-effects';
import { upsertPreference } from '../../src/repos/preferences';
import { findUserByPhone } from '../../src/repos/users';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

const PHONE = '+447700900123';
const SID = `SM${'e'.repeat(32)}`;

describe('account effects', () => {
  let t: TestDeps;

  beforeEach(async () => {
    t = await makeTestDeps(makeFakeTwilio());
  });
  afterEach(() => t.close());

  async function events(): Promise<Array<{ event_type: string; payload: unknown; correlation_id: string }>> {
    const { rows } = await t.deps.db.query<{ event_type: string; payload: unknown; correlation_id: string }>(
      `select event_type, payload, correlation_id from whatsapp_handler.outbox_events order by seq`,
    );
    return rows;
  }

  it('registering twice creates one user and one user.registered event', async () => {
    const first = await registerUser(t.deps, PHONE, SID);
    const second = await registerUser(t.deps, PHONE, SID);

    expect(second.id).toBe(first.id);
    expect((await events()).map((e) => e.event_type)).toEqual(['user.registered']);
  });

  it('user.registered carries TERMS_VERSION and, as terms_accepted_at, the user row created_at', async () => {
    await t.close();
    t = await makeTestDeps(makeFakeTwilio(), { env: { TERMS_VERSION: '2027-03b' } });

    const user = await registerUser(t.deps, PHONE, SID);

    const { rows } = await t.deps.db.query<{ created_at: Date }>(
      `select created_at from whatsapp_handler.users where id = $1::uuid`,
      [user.id],
    );
    expect(await events()).toEqual([
      {
        event_type: 'user.registered',
        payload: { user_id: user.id, terms_version: '2027-03b', terms_accepted_at: rows[0]!.created_at.toISOString() },
        correlation_id: SID,
      },
    ]);
  });

  it('registering the same number concurrently still creates one user and one event', async () => {
    const users = await Promise.all([registerUser(t.deps, PHONE, SID), registerUser(t.deps, PHONE, SID)]);

    expect(users[0].id).toBe(users[1].id);
    expect((await events()).map((e) => e.event_type)).toEqual(['user.registered']);
  });

  it('marking verified twice sets verified_at once with one user.verified event', async () => {
    const user = await registerUser(t.deps, PHONE, SID);

    await markVerified(t.deps, PHONE, SID);
    const verifiedAt = (await findUserByPhone(t.deps.db, PHONE))!.verifiedAt;
    await markVerified(t.deps, PHONE, SID);

    expect(verifiedAt).not.toBeNull();
    expect((await findUserByPhone(t.deps.db, PHONE))!.verifiedAt).toEqual(verifiedAt);
    expect((await events()).map((e) => [e.event_type, e.payload])).toEqual([
      ['user.registered', expect.objectContaining({ user_id: user.id })],
      ['user.verified', { user_id: user.id }],
    ]);
  });

  it('deleting twice removes the user and preferences once with one user.deleted event carrying no phone number', async () => {
    const user = await registerUser(t.deps, PHONE, SID);
    await upsertPreference(t.deps.db, user.id, 'opted_out', true);

    expect(await deleteUserData(t.deps, PHONE, SID)).toBe(true);
    expect(await deleteUserData(t.deps, PHONE, SID)).toBe(false);

    const { rows } = await t.deps.db.query(`select 1 from whatsapp_handler.user_preferences`);
    expect(rows).toHaveLength(0);
    expect(await findUserByPhone(t.deps.db, PHONE)).toBeUndefined();
    const all = await events();
    expect(all.map((e) => e.event_type)).toEqual(['user.registered', 'user.deleted']);
    expect(all[1]).toEqual({
      event_type: 'user.deleted',
      payload: { user_id: user.id, reason: 'user_request' },
      correlation_id: SID,
    });
    expect(JSON.stringify(all)).not.toContain(PHONE.slice(1));
    const deleted = await t.deps.metrics.registry.getSingleMetric('whatsapp_users_deleted_total')!.get();
    expect(deleted.values).toEqual([expect.objectContaining({ labels: { reason: 'user_request' }, value: 1 })]);
  });
});
