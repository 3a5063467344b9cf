-- renew: extends a lease if this ticket still holds it. 1 = held (the page may run), 0 = lost.
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] now (ms)   ARGV[3] leaseMs   ARGV[4] itemId   ARGV[5] ticket
local P, item = ARGV[1], ARGV[4]
local m = redis.call('HGET', P .. ':lease-meta', item)
if not m or string.match(m, '|([^|]+)$') ~= ARGV[5] then return 0 end
redis.call('ZADD', P .. ':leases', 'XX', tonumber(ARGV[2]) + tonumber(ARGV[3]), item)
return 1
