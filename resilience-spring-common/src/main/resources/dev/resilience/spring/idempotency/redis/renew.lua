-- Extends a claim held under a live lease with the given token to a new lease from now.
-- KEYS[1] record key; ARGV[1] lease token, ARGV[2] lease in milliseconds.
-- Returns 1 when extended, 0 when the lease is not (or no longer) the caller's.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('HMGET', KEYS[1], 's', 't', 'e')
if current[1] ~= 'P' or current[2] ~= ARGV[1] or tonumber(current[3]) <= now then
  return 0
end
local lease = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'e', now + lease)
-- kept one more lease after it ends, as a fresh claim is, so that a takeover is still reported
redis.call('PEXPIRE', KEYS[1], lease * 2)
return 1
