-- Assigns a user's next seqs and appends the pushes to the user's bounded inbox, then tells every
-- other node holding a device of the user, all in one atomic step.
-- KEYS: seq hash, inbox list, sessions hash
-- ARGV: candidate epoch, capacity, idle ttl ms, this node, node channel prefix, notice header,
--       then one encoded push (without its seq) per push to append
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  -- The user's seq space is new or was lost (flush, eviction, restart without persistence):
  -- start a new one; entries of an old space must not mix with it.
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
end
local n = #ARGV - 6
local last = redis.call('HINCRBY', KEYS[1], 's', n)
local first = last - n + 1

-- seq is field 1 (varint): appending it to the encoded push sets it.
local function varint(v)
  local out = {}
  while v >= 128 do
    out[#out + 1] = string.char(v % 128 + 128)
    v = math.floor(v / 128)
  end
  out[#out + 1] = string.char(v)
  return table.concat(out)
end

local entries = {}
for i = 1, n do
  entries[i] = ARGV[6 + i] .. '\8' .. varint(first + i - 1)
end
redis.call('RPUSH', KEYS[2], unpack(entries))
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])

local devices = redis.call('HVALS', KEYS[3])
if #devices > 0 then
  local notice = nil
  local told = {}
  for _, v in ipairs(devices) do
    local node = string.match(v, '^[^\t]*\t([^\t]*)\t')
    if node and node ~= ARGV[4] and not told[node] then
      told[node] = true
      if not notice then
        local parts = {ARGV[6], #epoch, ':', epoch}
        for i = 1, n do
          parts[#parts + 1] = #entries[i]
          parts[#parts + 1] = ':'
          parts[#parts + 1] = entries[i]
        end
        notice = table.concat(parts)
      end
      redis.call('PUBLISH', ARGV[5] .. node, notice)
    end
  end
end
return {epoch, first}
