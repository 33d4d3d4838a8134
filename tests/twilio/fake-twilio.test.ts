// The fake the processor tests use is the stand-in in-process: Twilio's rules hold there too, and
// what it adds (a record of calls, known codes, scripted failures) changes none of them.
import { LOCAL_CLAIM_UPDATE_CONTENT_SID } from '../../src/config';
import { TwilioApiError } from '../../src/twilio/gateway';
import { makeInProcessTwilio } from '../../src/twilio/local-twilio/in-process';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { movableClock, rejection } from './helpers';

const PHONE = '+447700900123';

describe('makeFakeTwilio', () => {
  it('answers with the stand-in rules: a resend keeps the SID and the used checks, the 6th check is 60202', async () => {
    const twilio = makeFakeTwilio();
    const first = await twilio.startVerification({ to: PHONE, channel: 'sms' });
    const wrong = twilio.codes.get(PHONE) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i += 1) await twilio.checkVerification({ to: PHONE, code: wrong });

    const resent = await twilio.startVerification({ to: PHONE, channel: 'sms' });
    for (let i = 0; i < 2; i += 1) await twilio.checkVerification({ to: PHONE, code: wrong });
    const sixth = await rejection(twilio.checkVerification({ to: PHONE, code: twilio.codes.get(PHONE)! }));

    expect(resent.sid).toBe(first.sid);
    expect(sixth).toBeInstanceOf(TwilioApiError);
    expect(sixth).toMatchObject({ status: 429, code: 60202 });
    expect(twilio.starts).toHaveLength(2);
    expect(twilio.checks).toHaveLength(6);
  });

  it('a code set for a number is the one its pending verification accepts, and a cancel ends it', async () => {
    const twilio = makeFakeTwilio();
    twilio.codes.set(PHONE, '482915');

    const cancel = await twilio.cancelVerification({ to: PHONE });
    const afterCancel = await rejection(twilio.checkVerification({ to: PHONE, code: '482915' }));
    twilio.codes.set(PHONE, '482915');
    const approved = await twilio.checkVerification({ to: PHONE, code: '482915' });

    expect(cancel).toEqual({ canceled: true });
    expect(afterCancel).toMatchObject({ status: 404, code: 20404 });
    expect(approved).toEqual({ status: 'approved', valid: true });
    expect(twilio.codes.get(PHONE)).toBeUndefined();
    expect(twilio.cancels).toEqual([{ to: PHONE }]);
  });

  it('expires a verification by its injected clock', async () => {
    const clock = movableClock();
    const twilio = makeFakeTwilio({ clock });
    await twilio.startVerification({ to: PHONE, channel: 'sms' });
    const code = twilio.codes.get(PHONE)!;
    clock.advance(10 * 60 * 1000);

    expect(await rejection(twilio.checkVerification({ to: PHONE, code }))).toMatchObject({ code: 20404 });
  });

  it('records accepted messages with their SID and creation time, and refuses what Twilio refuses', async () => {
    const clock = movableClock();
    const twilio = makeFakeTwilio({ clock });

    const sent = await twilio.sendMessage({ to: `whatsapp:${PHONE}`, body: 'Hello' });
    const refused = await rejection(twilio.sendMessage({ to: 'whatsapp:447700900123', body: 'Hello' }));

    expect(twilio.sent).toEqual([{ to: `whatsapp:${PHONE}`, body: 'Hello' }]);
    expect(twilio.history).toEqual([
      { sid: sent.sid, to: `whatsapp:${PHONE}`, body: 'Hello', dateCreated: clock.now() },
    ]);
    expect(await twilio.recentMessages({ to: `whatsapp:${PHONE}`, limit: 5 })).toEqual([
      { sid: sent.sid, body: 'Hello', dateCreated: clock.now() },
    ]);
    expect(refused).toMatchObject({ status: 400, code: 21211 });
  });

  it('fails the next calls of any kind, or only those of one method, as told', async () => {
    const twilio = makeFakeTwilio();
    const outage = new TwilioApiError(503, undefined, 'Service Unavailable');
    const refused = new TwilioApiError(400, 60200, 'Invalid parameter');
    twilio.failNext(1, outage);
    twilio.failNext(1, refused, 'startVerification');

    const cancel = await rejection(twilio.cancelVerification({ to: PHONE }));
    const canceledNone = await twilio.cancelVerification({ to: PHONE });
    const start = await rejection(twilio.startVerification({ to: PHONE, channel: 'sms' }));
    const started = await twilio.startVerification({ to: PHONE, channel: 'sms' });

    expect(cancel).toBe(outage);
    expect(canceledNone).toEqual({ canceled: false });
    expect(start).toBe(refused);
    expect(started.status).toBe('pending');
  });

  it('sends a template with its variables rendered, and refuses an unknown ContentSid with 21655', async () => {
    const twilio = makeFakeTwilio();

    const sent = await twilio.sendMessage({
      to: `whatsapp:${PHONE}`,
      contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      contentVariables: { '1': 'RR-7K3F9Q', '2': 'paid' },
    });
    const refused = await rejection(
      twilio.sendMessage({ to: `whatsapp:${PHONE}`, contentSid: 'HX' + 'f'.repeat(32), contentVariables: {} }),
    );

    expect(twilio.history).toMatchObject([{ sid: sent.sid, body: 'Update on your RailRepay claim RR-7K3F9Q: paid' }]);
    expect(refused).toMatchObject({ status: 400, code: 21655 });
  });

  it('ends a free-form message to a closed window undelivered with 63016, while a template is delivered', async () => {
    const twilio = makeFakeTwilio();
    twilio.setWindow(`whatsapp:${PHONE}`, false);

    const freeForm = await twilio.sendMessage({ to: `whatsapp:${PHONE}`, body: 'late reply' });
    const template = await twilio.sendMessage({
      to: `whatsapp:${PHONE}`,
      contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      contentVariables: { '1': 'RR-1', '2': 'paid' },
    });

    expect(freeForm.status).toBe('queued');
    expect(twilio.settle(freeForm.sid)).toEqual([{ status: 'undelivered', errorCode: 63016 }]);
    expect(twilio.settle(template.sid)).toEqual([{ status: 'sent' }, { status: 'delivered' }]);
  });

  it('ends every message to a number with its delivery error until it is cleared, on the in-process stores', async () => {
    const twilio = makeInProcessTwilio({
      accountSid: 'AC' + '0'.repeat(32),
      verifyServiceSid: 'VA' + '0'.repeat(32),
      from: 'whatsapp:+14155238886',
    });
    twilio.messages.setDeliveryError(PHONE, 63024);

    const failed = await twilio.gateway.sendMessage({ to: `whatsapp:${PHONE}`, body: 'one' });
    twilio.messages.settle(failed.sid);
    twilio.messages.setDeliveryError(`whatsapp:${PHONE}`, undefined);
    const delivered = await twilio.gateway.sendMessage({ to: `whatsapp:${PHONE}`, body: 'two' });
    twilio.messages.settle(delivered.sid);

    expect(twilio.messages.get(failed.sid)).toMatchObject({ status: 'failed', errorCode: 63024 });
    expect(twilio.messages.get(delivered.sid)).toMatchObject({ status: 'delivered', errorCode: undefined });
    expect(twilio.messages.isWindowOpen(PHONE)).toBe(true);
  });
});
