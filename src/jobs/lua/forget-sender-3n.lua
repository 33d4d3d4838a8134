-- Forgets a sender whose conversation ended with arrival ARGV[1]: deletes every key of theirs,
-- unless they wrote again since (a later arrival: a new conversation, whose keys stay) or one of
-- their turns holds the lock. One call, so no message can slip in between the check and the delete.
-- KEYS[1] sender-seq, KEYS[2] sender-lock, KEYS[3] conversation, KEYS[4..] the sender's other keys
-- ARGV[1] the arrival number of the message that ended the conversation
-- Returns 'forgotten', 'busy' or 'returned'.
if redis.call('EXISTS', KEYS[2]) == 1 then return 'busy' end
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if last > tonumber(ARGV[1]) then return 'returned' end
redis.call('DEL', unpack(KEYS))
return 'forgotten'
