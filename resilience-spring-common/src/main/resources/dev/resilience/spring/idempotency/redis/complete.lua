-- Completes a claim held under a live lease with the given token.
-- KEYS[1] record key; ARGV[1] lease token, ARGV[2] result, ARGV[3] ttl in milliseconds.
-- Returns 1 when stored, 0 when the lease is not (or no longer) the caller's.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('HMGET', KEYS[1], 's', 't', 'e')
if current[1] ~= 'P' or current[2] ~= ARGV[1] or tonumber(current[3]) <= now then
  return 0
end
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 's', 'C', 'r', ARGV[2], 'e', now + ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
