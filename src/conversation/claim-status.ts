// How a claim's progress reads to the passenger: amounts as £12.34, a short status line (STATUS,
// and the template's second variable), and the message each claim event sends. Only wording; the
// sentences themselves are in texts.ts.
import { texts } from './texts';

/** 1234 -> "£12.34"; whole pounds keep their pence ("£5.00"), as receipts do. */
export function pounds(pence: number): string {
  const safe = Number.isFinite(pence) && pence >= 0 ? Math.round(pence) : 0;
  const whole = Math.floor(safe / 100).toLocaleString('en-GB');
  return `£${whole}.${String(safe % 100).padStart(2, '0')}`;
}

/** What a claim update says, as decided when its event is handled (stored with the notification). */
export type ClaimUpdate =
  | { kind: 'eligible'; reference: string; amountPence: number }
  | { kind: 'not_eligible'; reference: string }
  | { kind: 'submitted'; reference: string; operator: string; claimReference: string }
  | { kind: 'paid'; reference: string; amountPence: number }
  | { kind: 'rejected'; reference: string; reason: string };

/** "paid £12.34": a journey's status with its amount, for STATUS. */
export function statusLine(status: string, amountPence: number | null | undefined): string {
  const words = String(status).replace(/_/g, ' ').slice(0, 40);
  const hasAmount = typeof amountPence === 'number' && amountPence > 0;
  if (status === 'eligible' && hasAmount) return `eligible, ${pounds(amountPence)}`;
  if (status === 'paid' && hasAmount) return `paid ${pounds(amountPence)}`;
  return words;
}

/** The template's {{2}}: one short line, no formatting (WhatsApp templates take plain variables). */
export function templateStatus(update: ClaimUpdate): string {
  switch (update.kind) {
    case 'eligible':
      return `eligible for ${pounds(update.amountPence)}`;
    case 'not_eligible':
      return 'not eligible for compensation';
    case 'submitted':
      return `claim sent to ${update.operator.slice(0, 60)}`;
    case 'paid':
      return `paid ${pounds(update.amountPence)}`;
    case 'rejected':
      return `claim rejected: ${update.reason.slice(0, 200)}`;
  }
}

/** The free-form message sent inside the 24-hour window. */
export function claimUpdateText(update: ClaimUpdate): string {
  switch (update.kind) {
    case 'eligible':
      return texts.claimEligible(update.reference, pounds(update.amountPence));
    case 'not_eligible':
      return texts.claimNotEligible(update.reference);
    case 'submitted':
      return texts.claimSubmitted(update.reference, update.operator.slice(0, 60), update.claimReference.slice(0, 60));
    case 'paid':
      return texts.claimPaid(update.reference, pounds(update.amountPence));
    case 'rejected':
      return texts.claimRejected(update.reference, update.reason.slice(0, 300));
  }
}
