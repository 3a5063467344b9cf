-- enqueue: adds a workspace's items to one of its pending lists (skipping items already tracked),
-- records its concurrency limit, then admits what fits.
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] now (ms)   ARGV[3] leaseMs   ARGV[4] maxAdmit   ARGV[5] defaultLimit
-- ARGV[6] workspace id   ARGV[7] its max_concurrency ("": keep the known one)
-- ARGV[8] lane: "sync" (sync quick calls) or "bulk"   ARGV[9..] "itemId|jobId" entries
local P, ws, sync = ARGV[1], ARGV[6], ARGV[8] == 'sync'
if ARGV[7] ~= '' then redis.call('HSET', P .. ':limits', ws, ARGV[7]) end
local pendingKey = P .. (sync and ':pending-sync:' or ':pending:') .. ws
local added = 0
for i = 9, #ARGV do
  local item = string.match(ARGV[i], '^([^|]+)|')
  if redis.call('SADD', P .. ':tracked', item) == 1 then
    if sync then redis.call('SADD', P .. ':sync-items', item) end
    redis.call('RPUSH', pendingKey, ARGV[i])
    added = added + 1
  end
end
if added > 0 and redis.call('SADD', P .. ':ring-set', ws) == 1 then redis.call('RPUSH', P .. ':ring', ws) end
return admit(P, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
