import { startStandIn } from './helpers';

describe('recent messages through the official client', () => {
  it("lists a number's latest messages newest first, with their bodies and creation times", async () => {
    const { standIn, gateway, clock } = await startStandIn({ statusCallbacks: false });
    try {
      const first = await gateway.sendMessage({ to: 'whatsapp:+447700900123', body: 'one' });
      clock.advance(5_000);
      const second = await gateway.sendMessage({ to: 'whatsapp:+447700900123', body: 'two' });
      await gateway.sendMessage({ to: 'whatsapp:+447700900999', body: 'someone else' });

      const recent = await gateway.recentMessages!({ to: 'whatsapp:+447700900123', limit: 20 });

      expect(recent.map((m) => [m.sid, m.body])).toEqual([
        [second.sid, 'two'],
        [first.sid, 'one'],
      ]);
      expect(recent[0]!.dateCreated.getTime() - recent[1]!.dateCreated.getTime()).toBe(5_000);
    } finally {
      await standIn.close();
    }
  });
});
