-- purge-job: drops a cancelled job's items from its workspace's pending list (leased items
-- are stopped by their workers); a workspace left with nothing pending leaves the ring.
-- Returns how many were dropped.
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] workspace id   ARGV[3] job id
local P, ws, job = ARGV[1], ARGV[2], ARGV[3]
local pendingKey = P .. ':pending:' .. ws
local entries = redis.call('LRANGE', pendingKey, 0, -1)
local keep, dropped = {}, 0
local suffix = '|' .. job
for _, e in ipairs(entries) do
  if string.sub(e, -#suffix) == suffix then
    redis.call('SREM', P .. ':tracked', string.match(e, '^([^|]+)|'))
    dropped = dropped + 1
  else
    keep[#keep + 1] = e
  end
end
if dropped > 0 then
  redis.call('DEL', pendingKey)
  for i = 1, #keep, 1000 do
    redis.call('RPUSH', pendingKey, unpack(keep, i, math.min(i + 999, #keep)))
  end
  -- Otherwise it would stay "waiting" (waitingWorkspaces) until an admission pass reached it.
  if #keep == 0 and redis.call('SREM', P .. ':ring-set', ws) == 1 then redis.call('LREM', P .. ':ring', 0, ws) end
end
return dropped
