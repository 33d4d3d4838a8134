// The passenger report as on-call reads it in a terminal: one section per place the service keeps
// something, times in UTC (ISO 8601), the number masked.
import type { JobLine, PassengerReport } from './find-passenger';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** 86399 -> "23h 59m"; 42 -> "42s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function jobLine(job: JobLine): string {
  const parts = [
    job.state.padEnd(9),
    job.id,
    job.name,
    `created ${iso(job.createdAt)}`,
    `attempts ${job.attemptsMade}`,
  ];
  if (job.finishedAt) parts.push(`finished ${iso(job.finishedAt)}`);
  else if (job.processedAt) parts.push(`started ${iso(job.processedAt)}`);
  const line = `  ${job.queue.padEnd(20)} ${parts.join('  ')}`;
  return job.failedReason === undefined ? line : `${line}\n${' '.repeat(23)}reason: ${job.failedReason}`;
}

export function formatPassengerReport(report: PassengerReport): string {
  const out: string[] = [`passenger ${report.masked} (sender id ${report.senderId})`, ''];

  const user = report.user;
  if (user === undefined) {
    out.push('user          none in Postgres (never registered, deleted, or another number)');
  } else {
    out.push(`user          ${user.id}`);
    out.push(`  verified    ${user.verifiedAt ? iso(user.verifiedAt) : 'no'}`);
    out.push(`  created     ${iso(user.createdAt)}`);
    if (user.proactiveUnreachableSince)
      out.push(`  unreachable since ${iso(user.proactiveUnreachableSince)} (WhatsApp refused a proactive message)`);
    const preferences = Object.entries(user.preferences).map(([key, value]) => `${key}=${String(value)}`);
    out.push(`  preferences ${preferences.join(' ')}`);
    const journeys = user.journeys.map((j) => `${j.reference} ${j.status} (${iso(j.createdAt)})`);
    out.push(`  journeys    ${journeys.length === 0 ? 'none' : journeys.join(', ')}`);
  }
  out.push('');

  const conversation = report.conversation;
  out.push(
    conversation === undefined
      ? 'conversation  none (a new conversation on the next message, or it expired)'
      : `conversation  ${conversation.step}${conversation.detail ? `: ${conversation.detail}` : ''}; ` +
          `forgotten in ${conversation.ttlSeconds >= 0 ? duration(conversation.ttlSeconds) : 'never (no TTL!)'}`,
  );

  const lane = report.lane;
  const arrivals = lane.pendingArrivals;
  out.push(
    lane.next === undefined && lane.sequence === undefined && arrivals.length === 0 && !lane.lockHeld
      ? 'lane          empty (no message in the last 24 h)'
      : `lane          next ${lane.next ?? 1}, last arrival ${lane.sequence ?? 0}, ` +
          `waiting ${arrivals.length === 0 ? 'none' : arrivals.slice(0, 10).join(' ')}${arrivals.length > 10 ? ' ...' : ''}, ` +
          `${lane.lockHeld ? `lock held${lane.lockTtlMs === undefined ? '' : ` (${duration(lane.lockTtlMs / 1000)} left)`}` : 'lock free'}` +
          `${lane.gaps > 0 ? `, ${lane.gaps} missing arrival(s) waited for` : ''}`,
  );

  const window = report.window;
  out.push(
    window.lastInboundAt === undefined
      ? 'whatsapp      no message in the last 24 h: window closed (only templates reach them)'
      : `whatsapp      last message ${iso(window.lastInboundAt)}; window ${window.open ? 'open until' : 'closed at'} ${iso(window.closesAt!)}`,
  );
  out.push('');

  out.push(`messages      ${report.messages.length === 0 ? 'none listed' : 'newest first'}`);
  for (const m of report.messages) {
    out.push(`  ${m.messageSid}  received ${iso(m.receivedAt)}  ${m.outcome ?? 'not finished, or over 1 h ago'}`);
  }
  out.push('');

  out.push(
    `jobs          ${report.jobs.length === 0 ? 'none kept' : 'newest first, per queue'} ` +
      '(inbound messages go as they complete; other completed jobs are kept 24 h, failed 7 days)',
  );
  for (const job of report.jobs) out.push(jobLine(job));
  if (report.truncated.length > 0) out.push(`  (only the newest jobs were read in: ${report.truncated.join(', ')})`);
  out.push('');

  if (report.user !== undefined) {
    out.push(`claim updates ${report.notifications.length === 0 ? 'none' : 'newest first'}`);
    for (const n of report.notifications) {
      const outcome =
        n.status === 'skipped'
          ? `skipped: ${n.skipReason}`
          : n.status === 'sent'
            ? `sent as ${n.sentAs}`
            : `pending, not before ${iso(n.notBefore)}${n.templateOnly ? ' (template only)' : ''}`;
      out.push(`  ${n.eventType.padEnd(24)} ${outcome.padEnd(28)} created ${iso(n.createdAt)}  id ${n.id}`);
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
