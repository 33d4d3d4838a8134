-- Records what one effect of a turn did, and keeps the turn's effects hash alive while the turn
-- may still be retried. One command instead of MULTI/HSET/EXPIRE/EXEC.
-- KEYS[1] inbound-effects
-- ARGV[1] field, ARGV[2] value, ARGV[3] ttl (s)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
