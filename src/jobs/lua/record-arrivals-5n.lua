-- Numbers each new MessageSid within its sender (1, 2, 3, ...); five keys per message.
-- For message i (0-based): KEYS[5i+1] message-seq, KEYS[5i+2] sender-seq,
-- KEYS[5i+3] sender-arrivals, KEYS[5i+4] sender-next, KEYS[5i+5] sender-jobs
-- ARGV[1] ttl (s), ARGV[2] sender-jobs ttl (s), ARGV[3] now (ms), ARGV[i+4] MessageSid of message i
-- sender-jobs holds the sender's latest job ids (the MessageSid is the inbound job's id), newest
-- 500, for as long as BullMQ keeps a failed job: erasing a sender finds their job records
-- without a scan.
-- Returns each message's number, in order. A MessageSid seen before keeps its first number, so a
-- redelivery never leaves a gap. The arrivals hash lets the worker find the job a lane waits for;
-- the sender's sequence and next-due number share one expiry, so they lapse and restart together.
local numbers = {}
for i = 0, #KEYS / 5 - 1 do
  local k = i * 5
  local sid = ARGV[i + 4]
  local seq = tonumber(redis.call('GET', KEYS[k + 1]))
  if not seq then
    seq = redis.call('INCR', KEYS[k + 2])
    redis.call('EXPIRE', KEYS[k + 2], ARGV[1])
    redis.call('EXPIRE', KEYS[k + 4], ARGV[1])
    redis.call('HSET', KEYS[k + 3], seq, sid)
    redis.call('EXPIRE', KEYS[k + 3], ARGV[1])
    redis.call('SET', KEYS[k + 1], seq, 'EX', ARGV[1])
    redis.call('ZADD', KEYS[k + 5], ARGV[3], sid)
    redis.call('ZREMRANGEBYRANK', KEYS[k + 5], 0, -501)
    redis.call('EXPIRE', KEYS[k + 5], ARGV[2])
  end
  numbers[i + 1] = seq
end
return numbers
