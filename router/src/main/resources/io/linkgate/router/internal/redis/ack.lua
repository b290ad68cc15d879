-- Raises a session's acked seq; never lowers it; ignores a session no longer registered.
-- KEYS: sessions hash
-- ARGV: device, session id, seq
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v or string.sub(v, 1, #ARGV[2] + 1) ~= ARGV[2] .. '\t' then
  return 0
end
local head, acked = string.match(v, '^(.*\t)(%d+)$')
if not head or tonumber(acked) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], head .. ARGV[3])
return 1
