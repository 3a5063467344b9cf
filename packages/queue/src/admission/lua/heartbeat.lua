-- heartbeat: a worker announces its free-to-use slots until now + ttl (0 slots: draining or
-- over its memory limit), then admits; run every second, it also expires dead leases.
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] now (ms)   ARGV[3] leaseMs   ARGV[4] maxAdmit   ARGV[5] defaultLimit
-- ARGV[6] workerId   ARGV[7] slots   ARGV[8] ttl (ms)
local P, worker = ARGV[1], ARGV[6]
if tonumber(ARGV[7]) > 0 then
  redis.call('ZADD', P .. ':fleet', tonumber(ARGV[2]) + tonumber(ARGV[8]), worker)
  redis.call('HSET', P .. ':fleet-slots', worker, ARGV[7])
else
  redis.call('ZREM', P .. ':fleet', worker)
  redis.call('HDEL', P .. ':fleet-slots', worker)
end
return admit(P, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
