// `/event <kind> [args]` in `npm run chat`: a claim event for the chatting user's journey, in the
// envelope other RailRepay services send (src/inbound-events/envelope.ts), so the whole claim
// story can be tried locally. Pure: the caller supplies the ids, the time and the randomness.
import type { StreamEvent } from '../inbound-events/event-stream';

export type ChatEventCommand =
  | { kind: 'eligible'; compensationPence: number }
  | { kind: 'not-eligible' }
  | { kind: 'submitted'; claimReference: string | undefined }
  | { kind: 'paid'; amountPence: number }
  | { kind: 'rejected'; reason: string };

export const EVENT_COMMAND_HELP =
  '/event eligible <pence> | not-eligible | submitted [reference] | paid <pence> | rejected <reason>';

const SCHEME = 'Delay Repay';
const OPERATOR = 'Northern';
// Delay Repay pays from 15 minutes late: 30 is a typical eligible delay, 10 one that is not.
const ELIGIBLE_DELAY_MINUTES = 30;
const NOT_ELIGIBLE_DELAY_MINUTES = 10;
/** The envelope's limit on an amount (CLAIM_EVENT_PAYLOADS' pence). */
const MAX_PENCE = 100_000_000;

export type ParsedEventCommand = { ok: true; command: ChatEventCommand } | { ok: false; usage: string };

function pence(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_PENCE ? value : undefined;
}

/** Reads what follows `/event`: a kind and its arguments. */
export function parseEventCommand(args: string): ParsedEventCommand {
  const [kind = '', ...rest] = args.trim().split(/\s+/);
  const usage = (detail: string): ParsedEventCommand => ({ ok: false, usage: `usage: /event ${detail}` });
  switch (kind.toLowerCase()) {
    case 'eligible': {
      const compensationPence = pence(rest[0]);
      if (compensationPence === undefined || rest.length > 1)
        return usage('eligible <pence>, e.g. /event eligible 1250');
      return { ok: true, command: { kind: 'eligible', compensationPence } };
    }
    case 'not-eligible':
      if (rest.length > 0) return usage('not-eligible');
      return { ok: true, command: { kind: 'not-eligible' } };
    case 'submitted':
      if (rest.length > 1 || (rest[0] !== undefined && rest[0].length > 100)) return usage('submitted [reference]');
      return { ok: true, command: { kind: 'submitted', claimReference: rest[0] } };
    case 'paid': {
      const amountPence = pence(rest[0]);
      if (amountPence === undefined || rest.length > 1) return usage('paid <pence>, e.g. /event paid 1250');
      return { ok: true, command: { kind: 'paid', amountPence } };
    }
    case 'rejected': {
      const reason = rest.join(' ');
      if (reason === '' || reason.length > 500)
        return usage('rejected <reason>, e.g. /event rejected ticket not valid');
      return { ok: true, command: { kind: 'rejected', reason } };
    }
    default:
      return { ok: false, usage: `usage: ${EVENT_COMMAND_HELP}` };
  }
}

/** A claim reference as an operator might issue one: NR- and six digits. */
export function randomClaimReference(random: () => number = Math.random): string {
  return `NR-${String(Math.floor(random() * 1_000_000)).padStart(6, '0')}`;
}

export type ChatEventContext = {
  journeyId: string;
  userId: string;
  eventId: string;
  occurredAt: Date;
  /** For the claim reference `submitted` makes up when none is given. */
  random?: () => number;
};

function typeAndPayload(command: ChatEventCommand, random: () => number): [string, Record<string, unknown>] {
  switch (command.kind) {
    case 'eligible':
      return [
        'evaluation.completed',
        {
          eligible: true,
          scheme: SCHEME,
          compensation_pence: command.compensationPence,
          delay_minutes: ELIGIBLE_DELAY_MINUTES,
        },
      ];
    case 'not-eligible':
      return [
        'evaluation.completed',
        { eligible: false, scheme: SCHEME, compensation_pence: 0, delay_minutes: NOT_ELIGIBLE_DELAY_MINUTES },
      ];
    case 'submitted':
      return [
        'claim.submitted',
        { claim_reference: command.claimReference ?? randomClaimReference(random), operator: OPERATOR },
      ];
    case 'paid':
      return ['claim.paid', { amount_pence: command.amountPence }];
    case 'rejected':
      return ['claim.rejected', { reason: command.reason }];
  }
}

/** The stream entry for the command: the envelope as JSON, with its id and type beside it. */
export function buildChatEvent(command: ChatEventCommand, context: ChatEventContext): StreamEvent {
  const [eventType, fields] = typeAndPayload(command, context.random ?? Math.random);
  const envelope = {
    event_id: context.eventId,
    event_type: eventType,
    // An evaluation is of the journey; the claim events are of the claim made for it.
    aggregate_type: eventType === 'evaluation.completed' ? 'journey' : 'claim',
    aggregate_id: context.journeyId,
    occurred_at: context.occurredAt.toISOString(),
    correlation_id: null,
    payload: { journey_id: context.journeyId, user_id: context.userId, ...fields },
  };
  return { eventId: context.eventId, eventType, envelopeJson: JSON.stringify(envelope) };
}
