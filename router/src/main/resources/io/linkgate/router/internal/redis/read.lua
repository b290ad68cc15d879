-- What a user's inbox holds after a seq, with the last seq and the epoch.
-- KEYS: seq hash, inbox list
-- ARGV: candidate epoch, after seq, idle ttl ms, capacity
-- Returns {epoch, last seq, inbox length, entries after the seq (oldest first)}
-- append.lua lets the list grow past the capacity by a little before trimming it: only the newest
-- `capacity` entries count as held.
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {epoch, 0, 0, {}}
end
local last = tonumber(redis.call('HGET', KEYS[1], 's'))
local llen = redis.call('LLEN', KEYS[2])
local capacity = tonumber(ARGV[4])
local len = llen
if len > capacity then
  len = capacity
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local after = tonumber(ARGV[2])
if after >= last then
  return {epoch, last, len, {}}
end
-- Seqs in the list are consecutive and end at `last`; the held ones start at llen - len.
local start = llen - (last - after)
if start < llen - len then
  start = llen - len
end
return {epoch, last, len, redis.call('LRANGE', KEYS[2], start, -1)}
