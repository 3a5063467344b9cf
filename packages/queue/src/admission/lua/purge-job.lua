-- purge-job: drops a cancelled job's items from its workspace's pending lists (leased items
-- are stopped by their workers); a workspace left with nothing pending leaves the ring.
-- Returns how many were dropped.
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] workspace id   ARGV[3] job id
local P, ws, job = ARGV[1], ARGV[2], ARGV[3]
local suffix = '|' .. job
local dropped = 0
for _, pendingKey in ipairs({ P .. ':pending:' .. ws, P .. ':pending-sync:' .. ws }) do
  local entries = redis.call('LRANGE', pendingKey, 0, -1)
  local keep, droppedHere = {}, 0
  for _, e in ipairs(entries) do
    if string.sub(e, -#suffix) == suffix then
      local item = string.match(e, '^([^|]+)|')
      redis.call('SREM', P .. ':tracked', item)
      redis.call('SREM', P .. ':sync-items', item)
      droppedHere = droppedHere + 1
    else
      keep[#keep + 1] = e
    end
  end
  if droppedHere > 0 then
    redis.call('DEL', pendingKey)
    for i = 1, #keep, 1000 do
      redis.call('RPUSH', pendingKey, unpack(keep, i, math.min(i + 999, #keep)))
    end
  end
  dropped = dropped + droppedHere
end
-- Otherwise it would stay "waiting" (waitingWorkspaces) until an admission pass reached it.
if dropped > 0 and redis.call('LLEN', P .. ':pending:' .. ws) == 0 and redis.call('LLEN', P .. ':pending-sync:' .. ws) == 0
  and redis.call('SREM', P .. ':ring-set', ws) == 1 then
  redis.call('LREM', P .. ':ring', 0, ws)
end
return dropped
