-- Moves a sender's lane past an arrival that will never be processed in order.
-- KEYS[1] sender-next, KEYS[2] sender-lock, KEYS[3] sender-arrivals, KEYS[4] sender-seq
-- ARGV[1] arrival to skip, ARGV[2] sender ttl (s)
-- Returns 1 when skipped, 0 when the lane had moved already or is busy.
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local n = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '1') ~= n then return 0 end
redis.call('SET', KEYS[1], n + 1, 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[2])
redis.call('HDEL', KEYS[3], n, 'parked:' .. n)
return 1
