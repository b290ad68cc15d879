-- Adds or replaces a device's session entry and tells the near caches of every node.
-- KEYS: sessions hash
-- ARGV: device, entry, ttl ms, changes channel, user, only-if-absent ('1' when a node writes its
--       sessions again after Redis lost them: an entry written since is newer than ours)
-- Returns the entry it replaced (or found, when only-if-absent), or false.
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and ARGV[6] == '1' then
  return old
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return old
