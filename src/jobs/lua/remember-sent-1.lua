-- Remembers a Message SID among the latest ones sent to a recipient: a recovering send must not
-- claim it again. Bounded to the newest ARGV[3] and expiring.
-- KEYS[1] sent-recent:<recipient>
-- ARGV[1] time (ms), ARGV[2] Message SID, ARGV[3] how many to keep, ARGV[4] ttl (s)
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
