-- Numbers each new MessageSid within its sender (1, 2, 3, ...); four keys per message.
-- For message i (0-based): KEYS[4i+1] message-seq, KEYS[4i+2] sender-seq,
-- KEYS[4i+3] sender-arrivals, KEYS[4i+4] sender-next
-- ARGV[1] ttl (s), ARGV[i+2] MessageSid of message i
-- Returns each message's number, in order. A MessageSid seen before keeps its first number, so a
-- redelivery never leaves a gap. The arrivals hash lets the worker find the job a lane waits for;
-- the sender's sequence and next-due number share one expiry, so they lapse and restart together.
local numbers = {}
for i = 0, #KEYS / 4 - 1 do
  local k = i * 4
  local sid = ARGV[i + 2]
  local seq = tonumber(redis.call('GET', KEYS[k + 1]))
  if not seq then
    seq = redis.call('INCR', KEYS[k + 2])
    redis.call('EXPIRE', KEYS[k + 2], ARGV[1])
    redis.call('EXPIRE', KEYS[k + 4], ARGV[1])
    redis.call('HSET', KEYS[k + 3], seq, sid)
    redis.call('EXPIRE', KEYS[k + 3], ARGV[1])
    redis.call('SET', KEYS[k + 1], seq, 'EX', ARGV[1])
  end
  numbers[i + 1] = seq
end
return numbers
