// A CLIENT span around each Twilio call, whichever gateway answers it (the official client, the
// local stand-in, a test's fake). Attributes: SIDs, statuses, Twilio's HTTP status and error code;
// never the number, the text or the code sent.
import { ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import { SPAN_ATTR, SpanKind, withSpan, type Span } from '../observability/tracing';
import { TwilioApiError, type RecentMessage, type TwilioGateway } from './gateway';

type Attributes = Record<string, string | number | boolean>;

function call<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const run = async (span: Span): Promise<T> => {
    try {
      return await fn(span);
    } catch (error) {
      if (error instanceof TwilioApiError) {
        // 0 is a failure before any response (a refused connection, a timeout).
        if (error.status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, error.status);
        if (error.code !== undefined) span.setAttribute(SPAN_ATTR.twilioErrorCode, error.code);
      }
      throw error;
    }
  };
  return withSpan(name, attributes, run, { kind: SpanKind.CLIENT });
}

export function traceTwilioGateway(gateway: TwilioGateway): TwilioGateway {
  const recentMessages = gateway.recentMessages?.bind(gateway);
  return {
    sendMessage: (input) =>
      call('twilio messages.create', { [SPAN_ATTR.twilioTemplate]: input.contentSid !== undefined }, async (span) => {
        const sent = await gateway.sendMessage(input);
        span.setAttributes({ [SPAN_ATTR.messageSid]: sent.sid, [SPAN_ATTR.twilioMessageStatus]: sent.status });
        return sent;
      }),
    startVerification: (input) =>
      call('twilio verify.verifications.create', { [SPAN_ATTR.verifyChannel]: input.channel }, async (span) => {
        const started = await gateway.startVerification(input);
        span.setAttributes({
          [SPAN_ATTR.verificationSid]: started.sid,
          [SPAN_ATTR.verificationStatus]: started.status,
        });
        return started;
      }),
    checkVerification: (input) =>
      call('twilio verify.verification_checks.create', {}, async (span) => {
        const checked = await gateway.checkVerification(input);
        span.setAttributes({ [SPAN_ATTR.verificationStatus]: checked.status, [SPAN_ATTR.verifyValid]: checked.valid });
        return checked;
      }),
    cancelVerification: (input) =>
      call('twilio verify.verifications.cancel', {}, async (span) => {
        const result = await gateway.cancelVerification(input);
        span.setAttribute(SPAN_ATTR.verifyCanceled, result.canceled);
        return result;
      }),
    ...(recentMessages !== undefined && {
      recentMessages: (input: { to: string; limit: number }): Promise<RecentMessage[]> =>
        call('twilio messages.list', { [SPAN_ATTR.listLimit]: input.limit }, async (span) => {
          const messages = await recentMessages(input);
          span.setAttribute(SPAN_ATTR.listCount, messages.length);
          return messages;
        }),
    }),
  };
}
