// Scripted failures: the next N calls to one endpoint answer with the given error instead.
import { LocalTwilioError } from './http-io';

export type LocalEndpoint =
  | 'messages'
  | 'verifications'
  | 'verification-update'
  | 'verification-check'
  // GET of a Media instance (the redirect to the media store) and its DELETE.
  | 'media'
  | 'media-delete';
export type FailNext = { endpoint: LocalEndpoint; status: number; code?: number; times?: number };

export function makeFailures() {
  let queued: Required<FailNext>[] = [];
  return {
    add(failure: FailNext): void {
      // Twilio's generic codes are 20000 + the HTTP status (20429, 20500, 20503).
      queued.push({ ...failure, code: failure.code ?? 20000 + failure.status, times: failure.times ?? 1 });
    },
    /** Throws the scripted error for this endpoint, if one is waiting. */
    take(endpoint: LocalEndpoint): void {
      const next = queued.find((failure) => failure.endpoint === endpoint && failure.times > 0);
      if (next === undefined) return;
      next.times -= 1;
      queued = queued.filter((failure) => failure.times > 0);
      throw new LocalTwilioError(next.status, next.code, `Scripted failure (${next.status} ${next.code})`);
    },
    reset(): void {
      queued = [];
    },
  };
}
