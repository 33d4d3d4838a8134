// The local Twilio stand-in (this tree's dist/twilio/local-twilio) in a process of its own for
// bench:e2e, so the times it stamps on sends do not wait for the bench's own event loop, which
// signs and posts thousands of webhooks at once. The bench asks it over IPC:
//   { id, op: 'count', group, phones? }  -> how many messages went to the group's phones
//   { id, op: 'replies', phones }        -> per phone, [body, receive time in ms] in order
//   { id, op: 'delay' }                  -> this process's event-loop delay p99 and max (ms) since
//                                           the last ask: how late its stamps may be
//   { id, op: 'after', phones, from }    -> per phone, the bodies of its messages from index
//                                           from[i] on (the journeys scenario's reply polling)
// Media and verification codes are reached over its HTTP control API (POST /_local/media,
// GET /_local/verifications/latest?to=...).
// (a group's phones are sent once, with its first count).
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { startLocalTwilio } = require('../dist/twilio/local-twilio');

const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_VERIFY_SERVICE_SID, STATUS_CALLBACKS } = process.env;

startLocalTwilio({
  accountSid: TWILIO_ACCOUNT_SID,
  authToken: TWILIO_AUTH_TOKEN,
  verifyServiceSid: TWILIO_VERIFY_SERVICE_SID,
  statusCallbacks: STATUS_CALLBACKS !== '0',
}).then((standIn) => {
  const groups = new Map();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const to = (phone) => standIn.messagesTo(`whatsapp:${phone}`);
  process.on('message', ({ id, op, group, phones, from }) => {
    if (op === 'count') {
      if (phones) groups.set(group, phones);
      process.send({ id, value: groups.get(group).reduce((sum, phone) => sum + to(phone).length, 0) });
    } else if (op === 'replies') {
      process.send({ id, value: phones.map((phone) => to(phone).map((m) => [m.body, m.dateCreated.getTime()])) });
    } else if (op === 'after') {
      process.send({
        id,
        value: phones.map((phone, i) =>
          to(phone)
            .slice(from[i])
            .map((m) => m.body),
        ),
      });
    } else if (op === 'delay') {
      process.send({ id, value: { p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 } });
      delay.reset();
    }
  });
  process.on('disconnect', () => standIn.close().finally(() => process.exit(0)));
  process.send({ url: standIn.url });
});
