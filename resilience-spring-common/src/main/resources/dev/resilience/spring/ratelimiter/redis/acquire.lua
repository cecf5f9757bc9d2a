-- One permit decision of a fleet-wide rate limiter, by the generic cell rate algorithm (GCRA):
-- permits are spaced by interval = period / limit, and a burst of up to `limit` permits is
-- allowed, so no window of one period ever holds more than `limit` permits plus one.
-- Time comes from the Redis server, never the caller, in microseconds.
-- KEYS[1] the limiter's key, holding its theoretical arrival time (TAT).
-- ARGV[1] period in microseconds, ARGV[2] permits per period, ARGV[3] longest wait in microseconds.
-- Returns {1, wait, left}: permitted, the call starts after `wait` microseconds;
-- or {0, retryAfter, left}: refused, the next permit is free in `retryAfter` microseconds.
-- `left` is the permits left in the current period (negative while later ones are reserved).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local period = tonumber(ARGV[1])
local interval = period / tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if tat < now then
  tat = now
end
local nextTat = tat + interval
local wait = nextTat - period - now
if wait > maxWait then
  return {0, math.max(1, math.ceil(wait)), math.floor((period - (tat - now)) / interval)}
end
nextTat = math.ceil(nextTat)
-- the key expires once its TAT has passed, when it would read as a fresh limiter anyway
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1)
return {1, math.max(0, math.ceil(wait)), math.floor((period - (nextTat - now)) / interval)}
