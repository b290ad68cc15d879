-- Adds or replaces a device's session entry and tells the near caches of every node.
-- KEYS: sessions hash
-- ARGV: device, entry, ttl ms, changes channel, user
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
