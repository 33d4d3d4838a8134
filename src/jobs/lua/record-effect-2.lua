-- Records what one effect of a turn did, and keeps the turn's effects hash alive while the turn
-- may still be retried. On a turn's first write it also saves the snapshot the turn was decided
-- with, so the snapshot exists before anything the turn does can be seen.
-- KEYS[1] inbound-effects, KEYS[2] inbound-snapshot
-- ARGV[1] field, ARGV[2] value, ARGV[3] ttl (s), ARGV[4] snapshot json ('' when saved already)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3]) end
return 1
