-- What a user's inbox holds after a seq, with the last seq and the epoch.
-- KEYS: seq hash, inbox list
-- ARGV: candidate epoch, after seq, idle ttl ms
-- Returns {epoch, last seq, inbox length, entries after the seq (oldest first)}
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {epoch, 0, 0, {}}
end
local last = tonumber(redis.call('HGET', KEYS[1], 's'))
local len = redis.call('LLEN', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local after = tonumber(ARGV[2])
if after >= last then
  return {epoch, last, len, {}}
end
-- Seqs in the list are consecutive and end at `last`.
local start = len - (last - after)
if start < 0 then
  start = 0
end
return {epoch, last, len, redis.call('LRANGE', KEYS[2], start, -1)}
