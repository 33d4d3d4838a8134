-- May this message of a sender run now? Takes the sender's lock when it may.
-- KEYS[1] sender-next, KEYS[2] sender-lock, KEYS[3] inbound-done, KEYS[4] message-seq,
-- KEYS[5] sender-arrivals, KEYS[6] sender-minute (the sender's messages in one minute),
-- KEYS[7] conversation, KEYS[8] inbound-snapshot and KEYS[9] inbound-effects of the message's
-- first run (generation 0)
-- ARGV[1] lock token, ARGV[2] lock ttl (ms), ARGV[3] MessageSid, ARGV[4] sender-minute ttl (s)
-- Returns {kind, next, generation, arrival, inMinute}: kind is run, wait, busy, done, late,
-- rerun, or unnumbered when the message has no arrival number yet (the webhook's may still be on
-- its way); ended is done for a message that ended its conversation, with its arrival: a rerun
-- of its job does the erasure its first run could not. inMinute, for run and late, is how many
-- of the sender's messages of that minute have taken their turn, this one included: a set of
-- MessageSids, so a retried turn counts once.
-- Run and late, which hold the lock now, also return what the turn starts from: the state, the
-- snapshot (false when none) and the effects so far (HGETALL's list).
local done = redis.call('GET', KEYS[3])
if done == 'processed' then return {'done', 0, 0, 0, 0} end
local arrival = redis.call('GET', KEYS[4])
if done == 'ended' then
  if arrival then return {'ended', 0, 0, tonumber(arrival), 0} end
  return {'done', 0, 0, 0, 0}
end
if not arrival then return {'unnumbered', 0, 0, 0, 0} end
local n = tonumber(arrival)
if done then
  -- 'failed:<g>': it failed for good and an operator retried it (Bull Board), so it runs again,
  -- out of turn, as generation g + 1 with fresh effect keys. 'rerun:<g>': a retry of such a run.
  local generation = tonumber(string.match(done, ':(%d+)$') or '0')
  if string.sub(done, 1, 7) == 'failed:' then generation = generation + 1 end
  local holder = redis.call('GET', KEYS[2])
  if holder and holder ~= ARGV[1] then return {'busy', 0, generation, n, 0} end
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  redis.call('SET', KEYS[3], 'rerun:' .. generation, 'KEEPTTL')
  return {'rerun', 0, generation, n, 0}
end
local next = tonumber(redis.call('GET', KEYS[1]) or '1')
if n > next then
  -- Parked until the message before it finishes, which then wakes it (finish-turn).
  redis.call('HSET', KEYS[5], 'parked:' .. n, 1)
  return {'wait', next, 0, n, 0}
end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return {'busy', next, 0, n, 0} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[6], ARGV[3])
redis.call('EXPIRE', KEYS[6], ARGV[4])
local inMinute = redis.call('SCARD', KEYS[6])
local kind = 'late'
if n == next then kind = 'run' end
return {kind, next, 0, n, inMinute, redis.call('GET', KEYS[7]), redis.call('GET', KEYS[8]), redis.call('HGETALL', KEYS[9])}
