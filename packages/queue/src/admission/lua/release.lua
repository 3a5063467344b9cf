-- release: workers are done with leases (the items finished, or must run again), then admit once.
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] now (ms)   ARGV[3] leaseMs   ARGV[4] maxAdmit   ARGV[5] defaultLimit
-- then per lease, from ARGV[6]: itemId, ticket, "requeue" to put the item back at the front of its queue (else "")
local P = ARGV[1]
for i = 6, #ARGV - 2, 3 do
  local item, ticket, requeue = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local m = redis.call('HGET', P .. ':lease-meta', item)
  if m then
    local ws, job, t = string.match(m, '^([^|]+)|([^|]+)|(.+)$')
    if t == ticket then
      redis.call('ZREM', P .. ':leases', item)
      redis.call('HDEL', P .. ':lease-meta', item)
      redis.call('HINCRBY', P .. ':running', ws, -1)
      if requeue == 'requeue' then
        redis.call('LPUSH', laneOf(P, ws, item), item .. '|' .. job)
        if redis.call('SADD', P .. ':ring-set', ws) == 1 then redis.call('RPUSH', P .. ':ring', ws) end
      else
        redis.call('SREM', P .. ':tracked', item)
        redis.call('SREM', P .. ':sync-items', item)
      end
    end
  end
end
return admit(P, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
