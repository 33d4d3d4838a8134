// Conversation state in Redis: one JSON value per sender with a 24 h TTL, refreshed whenever the
// sender's message is processed (the save itself happens atomically with the lane's bookkeeping,
// in src/jobs/sender-lane.ts finishTurn).
import type { RedisClient } from '../redis';
import { DEFAULT_KEY_TTL_SECONDS, type RedisKeys } from '../jobs/redis-keys';
import type { ConversationState } from '../conversation/types';

export const CONVERSATION_TTL_SECONDS = DEFAULT_KEY_TTL_SECONDS.conversation;

const STEPS = new Set<string>([
  'new',
  'awaiting-consent',
  'awaiting-code',
  'menu',
  'settings',
  'settings-home-station',
  'confirm-delete',
  'journey',
]);

/** The sender's state; a missing, expired or unreadable value starts a new conversation. */
export async function loadState(redis: RedisClient, keys: RedisKeys, phone: string): Promise<ConversationState> {
  return parseState(await redis.get(keys.conversation(phone)));
}

export function parseState(stored: string | null): ConversationState {
  if (stored === null) return { step: 'new' };
  try {
    const value: unknown = JSON.parse(stored);
    if (typeof value === 'object' && value !== null && 'step' in value && STEPS.has(String(value.step))) {
      return value as ConversationState;
    }
  } catch {
    // fall through: a value we cannot read is treated as no state
  }
  return { step: 'new' };
}

/** What finishTurn should store for the next state: JSON with the TTL, or null to forget it. */
export function stateRecord(
  keys: RedisKeys,
  phone: string,
  next: ConversationState | undefined,
): { key: string; json: string | null; ttlSeconds: number } {
  return {
    key: keys.conversation(phone),
    json: next === undefined ? null : JSON.stringify(next),
    ttlSeconds: CONVERSATION_TTL_SECONDS,
  };
}
