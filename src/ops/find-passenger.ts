// `npm run ops -- find <number>`: everything the service holds about one passenger, in one look,
// for on-call (docs/runbook.md "Helping a passenger"). Read-only. The number itself is never part
// of the report: Redis keys and job data name the sender by their keyed hash (senderId), and any
// free text that could quote the number (a job's failure reason) has it masked.
import type { Job, Queue } from 'bullmq';
import type { Deps } from '../deps';
import { parseState } from '../conversation-runtime/state-store';
import { QUEUE, type QueueName } from '../jobs/queues';
import { maskPhone } from '../phone';
import { preferenceDefaults, type Preferences } from '../preferences/registry';
import { listNotificationsOfUser } from '../repos/claim-notifications';
import { listJourneys } from '../repos/journeys';
import { listPreferences } from '../repos/preferences';
import { findUserByPhone } from '../repos/users';

export type OpsDeps = Pick<Deps, 'db' | 'redis' | 'queues' | 'keys' | 'clock'>;

/** Jobs shown per queue, newest first: enough to see the last few turns. */
const JOBS_PER_QUEUE = 10;
/**
 * Jobs read per queue and state, newest first. Failed jobs are kept a week (up to 50,000): reading
 * them all would take long on a busy queue, and the recent ones are what on-call asks about.
 */
const SCAN_PER_STATE = 5_000;
const PAGE = 500;
const NOTIFICATIONS = 10;
/** The sender's latest messages shown: the inbound jobs themselves go as they complete. */
const MESSAGES = 10;
const JOURNEYS = 3;
/** A failure reason is shown up to this long: the stack trace is in Bull Board. */
const REASON_CHARACTERS = 300;

const STATES = ['active', 'waiting', 'prioritized', 'waiting-children', 'delayed', 'failed', 'completed'] as const;
type JobState = (typeof STATES)[number];

/** Queues whose jobs name the sender by `data.sender` (their keyed hash). */
const BY_SENDER: readonly QueueName[] = [QUEUE.inbound, QUEUE.outbound, QUEUE.senderErasure];
/** Queues whose jobs name the user by `data.userId`. */
const BY_USER: readonly QueueName[] = [QUEUE.proactive, QUEUE.preferenceUpdate];

export type JobLine = {
  queue: QueueName;
  id: string;
  name: string;
  state: JobState;
  createdAt: Date;
  /** When it last started running, and finished (failed or completed). */
  processedAt: Date | undefined;
  finishedAt: Date | undefined;
  attemptsMade: number;
  failedReason: string | undefined;
};

export type PassengerReport = {
  /** The number as operators see it everywhere (+44******0123). */
  masked: string;
  /** The keyed hash naming the sender in Redis keys and job data. */
  senderId: string;
  user:
    | {
        id: string;
        verifiedAt: Date | null;
        createdAt: Date;
        proactiveUnreachableSince: Date | null;
        /** The effective preferences: stored values over the defaults. */
        preferences: Preferences;
        journeys: Array<{ reference: string; status: string; createdAt: Date }>;
      }
    | undefined;
  /** undefined: no state (a new conversation, or it expired). */
  conversation: { step: string; detail: string | undefined; ttlSeconds: number } | undefined;
  lane: {
    next: number | undefined;
    sequence: number | undefined;
    /** Arrival numbers waiting for their turn. */
    pendingArrivals: number[];
    /** Arrivals whose job went missing, waited for since (ms). */
    gaps: number;
    lockHeld: boolean;
    lockTtlMs: number | undefined;
  };
  /** WhatsApp's 24-hour window, from the sender's last message. */
  window: { lastInboundAt: Date | undefined; open: boolean; closesAt: Date | undefined };
  /**
   * The sender's latest messages, newest first (their job records go as they complete): when the
   * webhook took each, and its outcome while that is kept (1 h): processed, ended (it ended the
   * conversation), failed:<generation>, rerun:<generation>, or undefined (not finished yet, or
   * finished longer ago).
   */
  messages: Array<{ messageSid: string; receivedAt: Date; outcome: string | undefined }>;
  jobs: JobLine[];
  /** Queues and states where only the newest SCAN_PER_STATE jobs were read. */
  truncated: string[];
  notifications: Array<{
    id: string;
    eventType: string;
    status: string;
    skipReason: string | null;
    sentAs: string | null;
    templateOnly: boolean;
    notBefore: Date;
    createdAt: Date;
    updatedAt: Date;
  }>;
};

/** Replaces the number (with or without "+", or as a WhatsApp address) in free text by its masked form. */
export function scrubNumber(text: string, phone: string): string {
  const masked = maskPhone(phone);
  return text.split(phone).join(masked).split(phone.slice(1)).join(masked);
}

/** The report for one E.164 number; reads Postgres and Redis, writes nothing. */
export async function findPassenger(deps: OpsDeps, phone: string): Promise<PassengerReport> {
  const senderId = deps.keys.senderId(phone);
  const user = await findUserByPhone(deps.db, phone);
  const [userPart, notifications, conversation, lane, window, messages, jobs] = await Promise.all([
    user && readUser(deps, user),
    user ? listNotificationsOfUser(deps.db, user.id, NOTIFICATIONS) : [],
    readConversation(deps, phone),
    readLane(deps, senderId),
    readWindow(deps, phone),
    readMessages(deps, senderId),
    readJobs(deps, senderId, user?.id, phone),
  ]);
  return {
    masked: maskPhone(phone),
    senderId,
    user: userPart,
    conversation,
    lane,
    window,
    messages,
    jobs: jobs.lines,
    truncated: jobs.truncated,
    notifications: notifications.map((n) => ({
      id: n.id,
      eventType: n.eventType,
      status: n.status,
      skipReason: n.skipReason,
      sentAs: n.sentAs,
      templateOnly: n.templateOnly,
      notBefore: n.notBefore,
      createdAt: n.createdAt,
      updatedAt: n.updatedAt,
    })),
  };
}

async function readUser(
  deps: OpsDeps,
  user: NonNullable<Awaited<ReturnType<typeof findUserByPhone>>>,
): Promise<PassengerReport['user']> {
  const [stored, journeys] = await Promise.all([
    listPreferences(deps.db, user.id),
    listJourneys(deps.db, user.id, JOURNEYS),
  ]);
  return {
    id: user.id,
    verifiedAt: user.verifiedAt,
    createdAt: user.createdAt,
    proactiveUnreachableSince: user.proactiveUnreachableSince,
    preferences: { ...preferenceDefaults, ...stored },
    journeys: journeys.map((j) => ({ reference: j.reference, status: j.status, createdAt: j.createdAt })),
  };
}

async function readConversation(deps: OpsDeps, phone: string): Promise<PassengerReport['conversation']> {
  const key = deps.keys.conversation(phone);
  const [stored, ttlSeconds] = await Promise.all([deps.redis.get(key), deps.redis.ttl(key)]);
  if (stored === null) return undefined;
  const state = parseState(stored);
  let detail: string | undefined;
  // Only the shape of the state: a journey draft's stations and times are the passenger's own.
  if (state.step === 'journey') detail = `asking for ${state.ask}${state.editing ? ' (editing)' : ''}`;
  if (state.step === 'awaiting-code')
    detail = `code sent ${state.codeSentAt}, ${state.checksLeft} checks left${state.verificationEnded ? ', verification ended' : ''}`;
  if (state.step === 'confirm-delete') detail = `back to ${state.returnTo} on "no"`;
  return { step: state.step, detail, ttlSeconds };
}

const toNumber = (value: string | null) => (value === null ? undefined : Number(value));

async function readLane(deps: OpsDeps, senderId: string): Promise<PassengerReport['lane']> {
  const lane = deps.keys.laneOf(senderId);
  const [next, sequence, arrivals, gaps, lockTtlMs] = await Promise.all([
    deps.redis.get(lane.next),
    deps.redis.get(lane.sequence),
    deps.redis.hkeys(lane.arrivals),
    deps.redis.hlen(lane.gaps),
    deps.redis.pttl(lane.lock),
  ]);
  return {
    next: toNumber(next),
    sequence: toNumber(sequence),
    // Numbered fields are arrivals; "parked:<n>" marks one set aside (src/jobs/lua/take-turn-9.lua).
    pendingArrivals: arrivals
      .filter((field) => /^[0-9]+$/.test(field))
      .map(Number)
      .sort((a, b) => a - b),
    gaps,
    lockHeld: lockTtlMs !== -2,
    lockTtlMs: lockTtlMs >= 0 ? lockTtlMs : undefined,
  };
}

async function readWindow(deps: OpsDeps, phone: string): Promise<PassengerReport['window']> {
  const stored = await deps.redis.get(deps.keys.lastInbound(phone));
  if (stored === null) return { lastInboundAt: undefined, open: false, closesAt: undefined };
  const lastInboundAt = new Date(Number(stored));
  const closesAt = new Date(lastInboundAt.getTime() + deps.keys.ttl.whatsappWindow * 1000);
  return { lastInboundAt, open: deps.clock.now() < closesAt, closesAt };
}

async function readMessages(deps: OpsDeps, senderId: string): Promise<PassengerReport['messages']> {
  // sender-jobs lists the MessageSids (and apologies' ids) by the time the webhook took them.
  const listed = await deps.redis.zrevrange(deps.keys.senderJobsOf(senderId), '0', '-1', 'WITHSCORES');
  const messages: Array<{ messageSid: string; receivedAt: Date }> = [];
  for (let i = 0; i < listed.length && messages.length < MESSAGES; i += 2) {
    const id = listed[i]!;
    if (!id.endsWith('-apology')) messages.push({ messageSid: id, receivedAt: new Date(Number(listed[i + 1])) });
  }
  const outcomes = await Promise.all(
    messages.map(({ messageSid }) => deps.redis.get(deps.keys.inboundDoneOf(senderId, messageSid))),
  );
  return messages.map((message, i) => ({ ...message, outcome: outcomes[i] ?? undefined }));
}

async function readJobs(
  deps: OpsDeps,
  senderId: string,
  userId: string | undefined,
  phone: string,
): Promise<{ lines: JobLine[]; truncated: string[] }> {
  const lines: JobLine[] = [];
  const truncated: string[] = [];
  const searches: Array<readonly [QueueName, (data: Record<string, unknown>) => boolean]> = [
    ...BY_SENDER.map((name) => [name, (data: Record<string, unknown>) => data.sender === senderId] as const),
    ...(userId === undefined
      ? []
      : BY_USER.map((name) => [name, (data: Record<string, unknown>) => data.userId === userId] as const)),
  ];
  await Promise.all(
    searches.map(async ([name, matches]) => {
      const found: JobLine[] = [];
      for (const state of STATES) {
        const { jobs, complete } = await jobsIn(deps.queues[name], state);
        if (!complete) truncated.push(`${name} ${state}`);
        for (const job of jobs) {
          if (matches((job.data ?? {}) as Record<string, unknown>)) found.push(toLine(name, state, job, phone));
        }
      }
      found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      lines.push(...found.slice(0, JOBS_PER_QUEUE));
    }),
  );
  const order = [...BY_SENDER, ...BY_USER];
  lines.sort(
    (a, b) => order.indexOf(a.queue) - order.indexOf(b.queue) || b.createdAt.getTime() - a.createdAt.getTime(),
  );
  return { lines, truncated: truncated.sort() };
}

/** The newest SCAN_PER_STATE jobs in one state; complete when that was all of them. */
async function jobsIn(queue: Queue, state: JobState): Promise<{ jobs: Job[]; complete: boolean }> {
  const jobs: Job[] = [];
  for (let start = 0; start < SCAN_PER_STATE; start += PAGE) {
    const page = (await queue.getJobs([state], start, start + PAGE - 1, false)).filter((job): job is Job => !!job);
    jobs.push(...page);
    if (page.length < PAGE) return { jobs, complete: true };
  }
  return { jobs, complete: (await queue.getJobCountByTypes(state)) <= SCAN_PER_STATE };
}

function toLine(queue: QueueName, state: JobState, job: Job, phone: string): JobLine {
  const reason = job.failedReason ? scrubNumber(job.failedReason, phone).slice(0, REASON_CHARACTERS) : undefined;
  return {
    queue,
    id: scrubNumber(String(job.id), phone),
    name: job.name,
    state,
    createdAt: new Date(job.timestamp),
    processedAt: job.processedOn ? new Date(job.processedOn) : undefined,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : undefined,
    attemptsMade: job.attemptsMade,
    failedReason: reason || undefined,
  };
}
