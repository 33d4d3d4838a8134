import { UnrecoverableError, type Job } from 'bullmq';
import { JOB, QUEUE } from '../../../src/jobs/queues';
import { makeUpdatePreferenceProcessor } from '../../../src/jobs/processors/update-preference';
import { listPreferences } from '../../../src/repos/preferences';
import { createUser } from '../../../src/repos/users';
import { makeFakeTwilio } from '../fake-twilio';
import { makeTestDeps, type TestDeps } from '../test-deps';

const CORRELATION = `SM${'d'.repeat(32)}`;

describe('update-preference processor', () => {
  let t: TestDeps;

  beforeEach(async () => {
    t = await makeTestDeps(makeFakeTwilio());
  });
  afterEach(() => t.close());

  const add = (data: Record<string, unknown>): Promise<Job> =>
    t.deps.queues[QUEUE.preferenceUpdate].add(JOB.updatePreference, data);

  async function events(userId: string): Promise<Array<{ event_type: string; correlation_id: string | null }>> {
    const { rows } = await t.deps.db.query<{ event_type: string; correlation_id: string | null }>(
      `select event_type, correlation_id from whatsapp_handler.outbox_events where aggregate_id = $1::uuid order by seq`,
      [userId],
    );
    return rows;
  }

  it('writes the preference with one user.preferences_updated event, even when the same job runs twice', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900123' });
    const job = await add({ userId: user.id, key: 'home_station', value: 'KGX', correlationId: CORRELATION });
    const process = makeUpdatePreferenceProcessor(t.deps);

    const first = await process(job);
    const second = await process(job);

    expect(first).toEqual({ changed: true, userFound: true });
    expect(second).toEqual({ changed: false, userFound: true });
    expect(await listPreferences(t.deps.db, user.id)).toEqual({ home_station: 'KGX' });
    expect(await events(user.id)).toEqual([{ event_type: 'user.preferences_updated', correlation_id: CORRELATION }]);
    expect(await t.deps.queues[QUEUE.outboxRelay].count()).toBe(1);
  });

  it('a change back to another value emits a second event', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900124' });
    const process = makeUpdatePreferenceProcessor(t.deps);

    await process(await add({ userId: user.id, key: 'notifications', value: false }));
    await process(await add({ userId: user.id, key: 'notifications', value: true }));

    expect((await events(user.id)).map((e) => e.event_type)).toEqual([
      'user.preferences_updated',
      'user.preferences_updated',
    ]);
  });

  it('an unknown key or a value of the wrong type fails the job for good and writes nothing', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900125' });
    const process = makeUpdatePreferenceProcessor(t.deps);

    await expect(process(await add({ userId: user.id, key: 'favourite_colour', value: 'red' }))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    await expect(
      process(await add({ userId: user.id, key: 'home_station', value: 'kings cross' })),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await events(user.id)).toEqual([]);
  });

  it('a user deleted before the job ran is a no-op', async () => {
    const job = await add({ userId: '00000000-0000-4000-8000-000000000000', key: 'opted_out', value: true });

    expect(await makeUpdatePreferenceProcessor(t.deps)(job)).toEqual({ changed: false, userFound: false });
  });
});
