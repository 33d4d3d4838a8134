// `/event` in `npm run chat`: the command is read, and the event built is one the service's own
// envelope parser accepts as the claim event it names.
import { parseEnvelopeJson } from '../../src/inbound-events/envelope';
import {
  buildChatEvent,
  parseEventCommand,
  randomClaimReference,
  type ChatEventCommand,
} from '../../src/twilio/chat-events';
import { parseChatLine } from '../../src/twilio/chat-session';

const context = {
  journeyId: '5f0c3c7e-6a43-4c39-9d2a-0b7f7b7f2d11',
  userId: '0d3f1b7a-2b1e-4f4e-8a6c-3c2d1e0f9a8b',
  eventId: '7e9a1c2b-3d4e-4f50-8a6b-9c0d1e2f3a4b',
  occurredAt: new Date('2026-01-05T09:00:00Z'),
  random: () => 0.123456,
};

function command(args: string): ChatEventCommand {
  const parsed = parseEventCommand(args);
  if (!parsed.ok) throw new Error(parsed.usage);
  return parsed.command;
}

describe('chat claim events', () => {
  it.each([
    [
      'eligible 1250',
      'evaluation.completed',
      'journey',
      { eligible: true, scheme: 'Delay Repay', compensation_pence: 1250, delay_minutes: 30 },
    ],
    ['not-eligible', 'evaluation.completed', 'journey', { eligible: false, compensation_pence: 0 }],
    ['submitted NR-654321', 'claim.submitted', 'claim', { claim_reference: 'NR-654321', operator: 'Northern' }],
    ['submitted', 'claim.submitted', 'claim', { claim_reference: 'NR-123456', operator: 'Northern' }],
    ['paid 1250', 'claim.paid', 'claim', { amount_pence: 1250 }],
    [
      'rejected ticket not valid for this train',
      'claim.rejected',
      'claim',
      { reason: 'ticket not valid for this train' },
    ],
  ])('"/event %s" builds a %s event the envelope parser accepts', (args, type, aggregateType, fields) => {
    const event = buildChatEvent(command(args), context);

    const parsed = parseEnvelopeJson(event.envelopeJson);

    expect(event).toMatchObject({ eventId: context.eventId, eventType: type });
    expect(parsed).toMatchObject({
      kind: 'claim',
      type,
      envelope: {
        event_id: context.eventId,
        event_type: type,
        aggregate_type: aggregateType,
        aggregate_id: context.journeyId,
        occurred_at: '2026-01-05T09:00:00.000Z',
        correlation_id: null,
      },
      payload: { journey_id: context.journeyId, user_id: context.userId, ...fields },
    });
  });

  it.each([['eligible'], ['eligible twelve'], ['paid -5'], ['paid 1.50'], ['rejected'], ['refunded 100'], ['']])(
    '"/event %s" is answered with its usage',
    (args) => {
      const parsed = parseEventCommand(args);

      expect(parsed).toMatchObject({ ok: false, usage: expect.stringMatching(/^usage: \/event /) });
    },
  );

  it('makes up claim references as NR- and six digits', () => {
    expect(randomClaimReference(() => 0)).toBe('NR-000000');
    expect(randomClaimReference(() => 0.9999999)).toBe('NR-999999');
    expect(randomClaimReference()).toMatch(/^NR-[0-9]{6}$/);
  });

  it('reads /event, /window and /help as local commands, not text for the bot', () => {
    expect(parseChatLine('/event paid 500')).toEqual({ kind: 'event', command: { kind: 'paid', amountPence: 500 } });
    expect(parseChatLine('/event paid')).toMatchObject({ kind: 'usage' });
    expect(parseChatLine('/window close')).toEqual({ kind: 'window', open: false });
    expect(parseChatLine('/window open')).toEqual({ kind: 'window', open: true });
    expect(parseChatLine('/window')).toMatchObject({ kind: 'usage', message: 'usage: /window close|open' });
    expect(parseChatLine('/help')).toEqual({ kind: 'help' });
    expect(parseChatLine('help')).toEqual({ kind: 'text', body: 'help' });
  });
});
