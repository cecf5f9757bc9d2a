-- Claims a record unless a live one exists. Time comes from the Redis server, never the caller.
-- KEYS[1] record key; ARGV[1] fingerprint, ARGV[2] new lease token, ARGV[3] lease in milliseconds.
-- Hash fields: s = state (P in progress, C completed), f = fingerprint, t = lease token,
-- e = end of lease or ttl (server milliseconds), r = result.
-- Returns {'C', fingerprint, result}, {'P', fingerprint} or {'N', takenOver (0|1)}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[3])
local current = redis.call('HMGET', KEYS[1], 's', 'f', 'e', 'r')
local takenOver = '0'
if current[1] then
  if tonumber(current[3]) > now then
    if current[1] == 'C' then
      return {'C', current[2], current[4]}
    end
    return {'P', current[2]}
  end
  if current[1] == 'P' then
    takenOver = '1'
  end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 's', 'P', 'f', ARGV[1], 't', ARGV[2], 'e', now + lease)
-- kept one more lease after it ends, so that the next claim can report a takeover
redis.call('PEXPIRE', KEYS[1], lease * 2)
return {'N', takenOver}
