-- Removes a claim held under a live lease with the given token.
-- KEYS[1] record key; ARGV[1] lease token. Returns 1 when removed, 0 otherwise.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('HMGET', KEYS[1], 's', 't', 'e')
if current[1] ~= 'P' or current[2] ~= ARGV[1] or tonumber(current[3]) <= now then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
