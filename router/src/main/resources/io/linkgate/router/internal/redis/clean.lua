-- Removes a user's entries held by a dead node.
-- KEYS: sessions hash
-- ARGV: dead node, changes channel, user
local all = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #all, 2 do
  local node = string.match(all[i + 1], '^[^\t]*\t([^\t]*)\t')
  if node == ARGV[1] then
    redis.call('HDEL', KEYS[1], all[i])
    removed = removed + 1
  end
end
if removed > 0 then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return removed
