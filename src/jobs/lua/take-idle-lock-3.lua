-- Takes a sender's lock for a proactive message, only while the sender's lane is idle: no message
-- of theirs waiting for its turn or being handled. A claim update then lands between two turns,
-- never inside one.
-- KEYS[1] sender-next, KEYS[2] sender-seq, KEYS[3] sender-lock
-- ARGV[1] lock token, ARGV[2] lock ttl (ms)
-- Returns 'ok' (lock taken), 'busy' (a turn holds it) or 'behind' (messages wait for their turn).
if redis.call('EXISTS', KEYS[3]) == 1 then return 'busy' end
local next = tonumber(redis.call('GET', KEYS[1]) or '1')
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last >= next then return 'behind' end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
return 'ok'
