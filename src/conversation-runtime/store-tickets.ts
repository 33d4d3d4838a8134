// The ticket photos or PDFs of one message, from Twilio into Postgres: every file is fetched and
// checked first (type by its bytes, size), then each is stored, unattached until the journey is
// submitted, and only then deleted at Twilio. A refused file keeps nothing of the message, so the
// passenger can send the right one.
import type { Deps } from '../deps';
import type { JourneyInput } from '../conversation/journey-types';
import { deleteTicketMedia, fetchTicket } from '../tickets/fetch-ticket';
import { TwilioApiError } from '../twilio/gateway';
import { stageTicketFile } from './journey-effects';

type TicketStored = Extract<JourneyInput, { kind: 'ticket-stored' }>;

export async function storeTickets(
  deps: Pick<Deps, 'db' | 'queues' | 'config'>,
  userId: string,
  media: ReadonlyArray<{ url: string; contentType: string }>,
): Promise<TicketStored> {
  const fetched = [];
  for (const item of media) {
    const ticket = await fetchTicket({ twilio: deps.config.twilio }, item);
    if (!ticket.ok) {
      const outcome = ticket.reason === 'too-large' || ticket.reason === 'unsupported' ? ticket.reason : 'failed';
      return { kind: 'ticket-stored', outcome, ticketFileIds: [] };
    }
    fetched.push(ticket);
  }
  const ticketFileIds: string[] = [];
  for (const ticket of fetched) {
    const { id } = await stageTicketFile(deps, {
      userId,
      contentType: ticket.contentType,
      bytes: ticket.bytes,
      twilioMediaSid: ticket.mediaSid ?? null,
    });
    ticketFileIds.push(id);
  }
  return { kind: 'ticket-stored', outcome: 'stored', ticketFileIds };
}

/**
 * Deletes the message's media at Twilio once it is stored here; a retry finds them gone (fine).
 * Twilio being unreachable makes the turn wait and retry; a refusal (credentials, say) is logged
 * and the passenger's report goes on: their ticket is safe here either way.
 */
export async function deleteStoredMedia(
  deps: Pick<Deps, 'config' | 'logger'>,
  media: ReadonlyArray<{ url: string }>,
): Promise<void> {
  for (const item of media) {
    try {
      await deleteTicketMedia({ twilio: deps.config.twilio }, item.url);
    } catch (error) {
      if (!(error instanceof TwilioApiError) || error.retryable) throw error;
      deps.logger.error({ status: error.status, twilioCode: error.code }, 'ticket media not deleted at Twilio');
    }
  }
}
