-- Ends a message's turn at once: saves the conversation state, records the outcome, moves the
-- lane on when it was this message's turn, forgets the per-message work keys, releases the lock.
-- A rerun after a crash either sees the message done or finds everything as it was before it.
-- KEYS[1] sender-next, KEYS[2] sender-lock, KEYS[3] inbound-done, KEYS[4] sender-arrivals,
-- KEYS[5] conversation, KEYS[6] sender-seq, KEYS[7] inbound-snapshot, KEYS[8] inbound-effects,
-- KEYS[9] message-seq, KEYS[10] last-inbound, KEYS[11] sent-recent
-- ARGV[1] arrival, ARGV[2] lock token, ARGV[3] state json ('' deletes it, '-' keeps it),
-- ARGV[4] state ttl (s), ARGV[5] outcome, ARGV[6] outcome ttl (s), ARGV[7] sender ttl (s),
-- ARGV[8] when the message was received (ms), ARGV[9] WhatsApp's customer-service window (s),
-- ARGV[10] how many recent SIDs to keep, ARGV[11] their ttl (s), then time (ms) and Message SID
-- of each reply the turn sent and has not remembered yet (src/jobs/lua/remember-sent-1.lua)
-- Returns {-1} when the lock was not ours, {0} when the lane did not move, {1} when it moved on,
-- and {1, sid} when it moved on to a message parked waiting for its turn, to be woken now.
-- The replies were sent whoever holds the lock now: a recovering send must not claim them.
if #ARGV > 11 then
  for i = 12, #ARGV, 2 do redis.call('ZADD', KEYS[11], ARGV[i], ARGV[i + 1]) end
  redis.call('ZREMRANGEBYRANK', KEYS[11], 0, -tonumber(ARGV[10]) - 1)
  redis.call('EXPIRE', KEYS[11], ARGV[11])
end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return {-1} end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[5])
elseif ARGV[3] ~= '-' then
  redis.call('SET', KEYS[5], ARGV[3], 'EX', ARGV[4])
end
redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[6])
-- The passenger wrote: free-form messages may reach them until the window closes. A message
-- handled late (after an outage) never moves the time back.
local last = tonumber(redis.call('GET', KEYS[10]) or '0')
if tonumber(ARGV[8]) > last then redis.call('SET', KEYS[10], ARGV[8], 'EX', ARGV[9]) end
-- A redelivery of this MessageSid keeps its number only as long as the outcome is remembered.
redis.call('EXPIRE', KEYS[9], ARGV[6])
local n = tonumber(ARGV[1])
local next = tonumber(redis.call('GET', KEYS[1]) or '1')
local reply = {0}
if next == n then
  redis.call('SET', KEYS[1], n + 1, 'EX', ARGV[7])
  redis.call('EXPIRE', KEYS[6], ARGV[7])
  reply = {1}
  if redis.call('HDEL', KEYS[4], 'parked:' .. (n + 1)) == 1 then
    reply = {1, redis.call('HGET', KEYS[4], n + 1)}
  end
end
redis.call('HDEL', KEYS[4], n, 'parked:' .. n)
redis.call('DEL', KEYS[2], KEYS[7], KEYS[8])
return reply
