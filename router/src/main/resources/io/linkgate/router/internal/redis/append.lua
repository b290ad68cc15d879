-- For each of several users: assigns the user's next seqs and appends the pushes to the user's
-- bounded inbox, then tells every other node holding a device of the user; all in one atomic step.
-- Several users' appends share one call (see AppendBatcher): each other node gets one PUBLISH per
-- call, carrying a record per user.
--
-- Inbox entries are encoded pushes without their seq: seqs in the list are consecutive and end at
-- the user's last seq, so a reader knows each entry's seq from its position. Lua then never
-- touches a push's bytes, and per push the script costs little more than the RPUSH.
--
-- KEYS: per user, in order: seq hash, inbox list, sessions hash
-- ARGV: candidate epoch, capacity, idle ttl ms, this node, node channel prefix, now (ms), then per user:
--       n, the notice body (the user id, then the n pushes, as fields), the n encoded pushes
-- Returns: per user, the epoch and the first seq assigned.
-- A notice is a run of records: epoch, first seq, n, then the body; each a <length>:<bytes> field.
-- The keys of one call belong to several users and so to several hash slots: this runs on one
-- Redis (with replicas), not across the shards of a Redis Cluster.

local capacity = tonumber(ARGV[2])
-- A full inbox is trimmed once it holds an eighth more than its capacity, not on every push: an
-- LTRIM a push was a fifth of the script's calls once inboxes were full. read.lua shows only the
-- newest `capacity` entries, so what readers see is the same.
local trimAbove = capacity + math.floor(capacity / 8)
local ttl = tonumber(ARGV[3])
-- The idle TTL is refreshed once a sixteenth of it has passed since the last refresh, not on every
-- push: the seq hash remembers when ('r', the pushing node's clock in ms, read with the epoch), so
-- a push costs no PEXPIRE. A key then lives between 15/16 of the TTL and the TTL after its last
-- use. Nodes' clocks may differ a little: a refresh time in the future counts as old.
local now = tonumber(ARGV[6])
local refreshAfter = math.floor(ttl / 16)
local self = ARGV[4]
local notices = {} -- node -> list of records
local nodes = {}   -- the nodes told, in the order first met
local result = {}
local a = 7
local k = 1
local g = 1
while a <= #ARGV do
  local n = tonumber(ARGV[a])
  local body = ARGV[a + 1]
  local seqKey, inboxKey, sessionsKey = KEYS[k], KEYS[k + 1], KEYS[k + 2]

  local state = redis.call('HMGET', seqKey, 'e', 'r')
  local epoch = state[1]
  local refreshed = tonumber(state[2])
  if not epoch then
    -- The user's seq space is new or was lost (flush, eviction, restart without persistence):
    -- start a new one; entries of an old space must not mix with it.
    epoch = ARGV[1] .. '.' .. g
    refreshed = nil
    redis.call('DEL', inboxKey)
    redis.call('HSET', seqKey, 'e', epoch, 's', 0)
  end
  local last = redis.call('HINCRBY', seqKey, 's', n)
  local first = last - n + 1

  local held = redis.call('RPUSH', inboxKey, unpack(ARGV, a + 2, a + 1 + n))
  if held > trimAbove then
    redis.call('LTRIM', inboxKey, -capacity, -1)
  end
  if not refreshed or now - refreshed >= refreshAfter or refreshed > now then
    redis.call('HSET', seqKey, 'r', now)
    redis.call('PEXPIRE', seqKey, ttl)
    redis.call('PEXPIRE', inboxKey, ttl)
  end

  local devices = redis.call('HVALS', sessionsKey)
  local record = nil
  for _, v in ipairs(devices) do
    local node = string.match(v, '^[^\t]*\t([^\t]*)\t')
    if node and node ~= self then
      local told = notices[node]
      if not told then
        told = {}
        notices[node] = told
        nodes[#nodes + 1] = node
      end
      if not record then
        local f, c = tostring(first), tostring(n)
        record = #epoch .. ':' .. epoch .. #f .. ':' .. f .. #c .. ':' .. c .. body
      end
      -- A user with two devices on one node is told once.
      if told[#told] ~= record then
        told[#told + 1] = record
      end
    end
  end

  result[#result + 1] = epoch
  result[#result + 1] = first
  a = a + 2 + n
  k = k + 3
  g = g + 1
end

for _, node in ipairs(nodes) do
  redis.call('PUBLISH', ARGV[5] .. node, table.concat(notices[node]))
end
return result
