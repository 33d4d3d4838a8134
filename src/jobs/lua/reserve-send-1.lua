-- The global send rate, shared by every worker process: GCRA (the generic cell rate algorithm),
-- which spaces sends evenly instead of counting them in fixed windows, so no one-second window
-- holds more than the rate plus a small burst. Each call reserves the next free slot and says how
-- long to wait for it; Redis's own clock is the one clock every process shares.
-- KEYS[1] theoretical arrival time of the next send (ms)
-- ARGV[1] interval between sends (ms), ARGV[2] burst tolerance (ms)
-- Returns the milliseconds to wait before sending.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tonumber(ARGV[2]) - now
if wait < 0 then wait = 0 end
local nextTat = tat + interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return math.ceil(wait)
