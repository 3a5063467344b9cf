-- pending-by-workspace: pages waiting for admission, fleet-wide and for the workspaces with the most
-- waiting; the rest are summed, so a metric built on it has at most topN + 1 series however many
-- workspaces wait. Read-only; one pass over the waiting workspaces (2 LLEN each) keeping a sorted
-- top list of at most topN, so O(waiting workspaces x topN) and an answer of O(topN).
-- KEYS: none (see admit.lua for the key layout)
-- ARGV[1] P   ARGV[2] topN (0 or more)
-- Returns { total, rest, ws1, n1, ws2, n2, ... } with n1 >= n2 >= ...: rest is what the workspaces
-- outside the top waited, so total = rest + n1 + n2 + ...; a workspace with nothing waiting is skipped.
local P, topN = ARGV[1], tonumber(ARGV[2])
local total, rest = 0, 0
local top = {}
for _, ws in ipairs(redis.call('SMEMBERS', P .. ':ring-set')) do
  local n = redis.call('LLEN', P .. ':pending:' .. ws) + redis.call('LLEN', P .. ':pending-sync:' .. ws)
  if n > 0 then
    total = total + n
    if #top < topN or (topN > 0 and n > top[#top][2]) then
      if #top == topN then
        rest = rest + top[#top][2]
        top[#top] = nil
      end
      local at = #top + 1
      while at > 1 and top[at - 1][2] < n do
        top[at] = top[at - 1]
        at = at - 1
      end
      top[at] = { ws, n }
    else
      rest = rest + n
    end
  end
end
local out = { total, rest }
for _, entry in ipairs(top) do
  out[#out + 1] = entry[1]
  out[#out + 1] = entry[2]
end
return out
