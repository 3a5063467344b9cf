-- release: a worker is done with its lease (the item finished, or must run again), then admits.
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] now (ms)   ARGV[3] leaseMs   ARGV[4] maxAdmit   ARGV[5] defaultLimit
-- ARGV[6] itemId   ARGV[7] ticket   ARGV[8] "requeue" to put the item back at the front of its queue
local P, item, ticket = ARGV[1], ARGV[6], ARGV[7]
local m = redis.call('HGET', P .. ':lease-meta', item)
if m then
  local ws, job, t = string.match(m, '^([^|]+)|([^|]+)|(.+)$')
  if t == ticket then
    redis.call('ZREM', P .. ':leases', item)
    redis.call('HDEL', P .. ':lease-meta', item)
    redis.call('HINCRBY', P .. ':running', ws, -1)
    if ARGV[8] == 'requeue' then
      redis.call('LPUSH', laneOf(P, ws, item), item .. '|' .. job)
      if redis.call('SADD', P .. ':ring-set', ws) == 1 then redis.call('RPUSH', P .. ':ring', ws) end
    else
      redis.call('SREM', P .. ':tracked', item)
      redis.call('SREM', P .. ':sync-items', item)
    end
  end
end
return admit(P, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
