-- Releases a lock only if its token still holds it.
-- KEYS[1] lock; ARGV[1] token. Returns 1 when released.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
