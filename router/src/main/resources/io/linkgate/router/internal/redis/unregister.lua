-- Removes a device's entry only if it is still the given session: a newer session of the same
-- device must never be removed by the old one's late unregister.
-- KEYS: sessions hash
-- ARGV: device, session id, changes channel, user
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v or string.sub(v, 1, #ARGV[2] + 1) ~= ARGV[2] .. '\t' then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
