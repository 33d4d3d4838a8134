-- May this message of a sender run now? Takes the sender's lock when it may.
-- KEYS[1] sender-next, KEYS[2] sender-lock, KEYS[3] inbound-done
-- ARGV[1] arrival number, ARGV[2] lock token, ARGV[3] lock ttl (ms)
-- Returns {kind, next, generation}: kind is run, wait, busy, done, late or rerun.
local done = redis.call('GET', KEYS[3])
if done == 'processed' then return {'done', 0, 0} end
if done then
  -- 'failed:<g>': it failed for good and an operator retried it (Bull Board), so it runs again,
  -- out of turn, as generation g + 1 with fresh effect keys. 'rerun:<g>': a retry of such a run.
  local generation = tonumber(string.match(done, ':(%d+)$') or '0')
  if string.sub(done, 1, 7) == 'failed:' then generation = generation + 1 end
  local holder = redis.call('GET', KEYS[2])
  if holder and holder ~= ARGV[2] then return {'busy', 0, generation} end
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  redis.call('SET', KEYS[3], 'rerun:' .. generation, 'KEEPTTL')
  return {'rerun', 0, generation}
end
local next = tonumber(redis.call('GET', KEYS[1]) or '1')
local n = tonumber(ARGV[1])
if n > next then return {'wait', next, 0} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[2] then return {'busy', next, 0} end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if n == next then return {'run', next, 0} end
return {'late', next, 0}
