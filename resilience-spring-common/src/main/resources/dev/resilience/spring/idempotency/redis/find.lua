-- Reads a live record. KEYS[1] record key.
-- Returns {} when absent or expired, else {state, fingerprint, lease token, result or ''}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('HMGET', KEYS[1], 's', 'f', 't', 'e', 'r')
if not current[1] or tonumber(current[4]) <= now then
  return {}
end
return {current[1], current[2], current[3], current[5] or ''}
