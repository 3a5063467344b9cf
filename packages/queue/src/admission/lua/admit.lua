-- admit(P, now, leaseMs, maxAdmit, defaultLimit): the admission step every script below ends with.
-- Redis keys (P = "<QUEUE_PREFIX>:adm"; keys are derived here, so this is single-node Redis only):
--   P:ring          list  workspaces with pending items, rotated for round-robin
--   P:ring-set      set   membership of P:ring (a workspace appears once)
--   P:pending:<ws>  list  "itemId|jobId" waiting for a slot, oldest first (the bulk lane: batches, crawls, async pages)
--   P:pending-sync:<ws> list  the same for sync quick calls (the sync lane), admitted before the bulk lane
--   P:sync-items    set   tracked item ids of the sync lane (so a lapsed or requeued lease goes back to its own lane)
--   P:sync-streak   hash  ws -> sync admissions in a row while its bulk lane waited (capped at SYNC_BURST)
--   P:leases        zset  itemId -> lease expiry (ms); ZCARD = pages admitted fleet-wide
--   P:lease-meta    hash  itemId -> "ws|jobId|ticket" of the current lease
--   P:running       hash  ws -> leases held by that workspace
--   P:limits        hash  ws -> max_concurrency (absent: defaultLimit)
--   P:tracked       set   item ids held in a pending list or a lease (the reconciler's view)
--   P:fleet         zset  workerId -> heartbeat expiry (ms); P:fleet-slots hash workerId -> slots
--   P:ticket-seq    counter of leases ever granted; a ticket names one lease of one item
-- Returns a flat array: ws, itemId, jobId, ticket for every item admitted now.

-- Sync admissions in a row a workspace gets while its bulk lane waits; then one bulk item goes,
-- so a stream of sync calls slows that workspace's batches to 1/(SYNC_BURST+1) of its cap, never to zero.
local SYNC_BURST = 3

-- The pending list (lane) an item of workspace ws waits in.
local function laneOf(P, ws, item)
  if redis.call('SISMEMBER', P .. ':sync-items', item) == 1 then return P .. ':pending-sync:' .. ws end
  return P .. ':pending:' .. ws
end

-- Takes the workspace's next item: the sync lane first, but not more than SYNC_BURST times in a row while bulk waits.
local function nextEntry(P, ws)
  local syncKey, bulkKey, streakKey = P .. ':pending-sync:' .. ws, P .. ':pending:' .. ws, P .. ':sync-streak'
  if redis.call('LLEN', syncKey) > 0 then
    if redis.call('LLEN', bulkKey) == 0 then
      redis.call('HDEL', streakKey, ws)
      return redis.call('LPOP', syncKey)
    end
    local streak = tonumber(redis.call('HGET', streakKey, ws) or '0')
    if streak < SYNC_BURST then
      redis.call('HSET', streakKey, ws, streak + 1)
      return redis.call('LPOP', syncKey)
    end
  end
  redis.call('HDEL', streakKey, ws)
  return redis.call('LPOP', bulkKey)
end

local function admit(P, now, leaseMs, maxAdmit, defaultLimit)
  local leases, meta, running = P .. ':leases', P .. ':lease-meta', P .. ':running'
  local ring, ringSet = P .. ':ring', P .. ':ring-set'

  -- A lease nobody renewed (dead worker, lost dispatch) puts its item back at the front of its queue.
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 500)
  for _, item in ipairs(expired) do
    local m = redis.call('HGET', meta, item)
    redis.call('ZREM', leases, item)
    redis.call('HDEL', meta, item)
    if m then
      local ws, job = string.match(m, '^([^|]+)|([^|]+)|')
      redis.call('HINCRBY', running, ws, -1)
      redis.call('LPUSH', laneOf(P, ws, item), item .. '|' .. job)
      if redis.call('SADD', ringSet, ws) == 1 then redis.call('RPUSH', ring, ws) end
    end
  end

  -- Fleet capacity: slots of workers whose heartbeat is fresh.
  local dead = redis.call('ZRANGEBYSCORE', P .. ':fleet', '-inf', now)
  for _, w in ipairs(dead) do
    redis.call('ZREM', P .. ':fleet', w)
    redis.call('HDEL', P .. ':fleet-slots', w)
  end
  local capacity = 0
  for _, s in ipairs(redis.call('HVALS', P .. ':fleet-slots')) do capacity = capacity + tonumber(s) end
  local free = capacity - redis.call('ZCARD', leases)

  -- Round-robin: one item per workspace per pass, each workspace below its own limit.
  local out = {}
  local admitted = 0
  local progress = true
  while progress and free > 0 and admitted < maxAdmit do
    progress = false
    local n = redis.call('LLEN', ring)
    for _ = 1, n do
      if free <= 0 or admitted >= maxAdmit then break end
      local ws = redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
      local held = tonumber(redis.call('HGET', running, ws) or '0')
      local limit = tonumber(redis.call('HGET', P .. ':limits', ws) or defaultLimit)
      if held < limit then
        local entry = nextEntry(P, ws)
        if entry then
          local item, job = string.match(entry, '^([^|]+)|(.+)$')
          local ticket = redis.call('INCR', P .. ':ticket-seq')
          redis.call('ZADD', leases, now + leaseMs, item)
          redis.call('HSET', meta, item, ws .. '|' .. job .. '|' .. ticket)
          redis.call('HINCRBY', running, ws, 1)
          out[#out + 1] = ws
          out[#out + 1] = item
          out[#out + 1] = job
          out[#out + 1] = tostring(ticket)
          admitted = admitted + 1
          free = free - 1
          progress = true
        end
      end
      -- The workspace just rotated to the tail; drop it there once both its lanes are empty.
      if redis.call('LLEN', P .. ':pending:' .. ws) == 0 and redis.call('LLEN', P .. ':pending-sync:' .. ws) == 0 then
        redis.call('RPOP', ring)
        redis.call('SREM', ringSet, ws)
      end
    end
  end
  return out
end
