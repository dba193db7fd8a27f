-- Takes a place under the cluster-wide caps, in one round trip.
-- KEYS[1]: the instances (a sorted set: instance id -> lease expiry, Redis time in ms)
-- KEYS[2..]: the quotas to take a place in (hashes: instance id -> sessions that instance holds)
-- ARGV[1]: this instance; ARGV[2]: the lease time in ms; ARGV[3]: the key prefix;
-- ARGV[4..]: the cap of each quota, in KEYS order
-- Returns "refused,rejoined": refused is the 1-based index of the first quota at its cap (0 when the place is
-- taken in every quota), rejoined is 1 when this instance was not in the instances any more (its lease ran out,
-- or Redis lost its data), so that it puts its own counts back.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local me = ARGV[1]
local prefix = ARGV[3]
-- Instances whose lease ran out leave nothing behind: their entries in every quota they held, their sessions.
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  local held = prefix .. 'keys:' .. gone
  for _, key in ipairs(redis.call('SMEMBERS', held)) do
    redis.call('HDEL', key, gone)
  end
  redis.call('DEL', held, prefix .. 'sessions:' .. gone)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local rejoined = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), me)
for i = 2, #KEYS do
  local cap = tonumber(ARGV[i + 2])
  local counts = redis.call('HGETALL', KEYS[i])
  local total = 0
  for j = 1, #counts, 2 do
    if redis.call('ZSCORE', KEYS[1], counts[j]) then
      total = total + tonumber(counts[j + 1])
    else
      -- An instance whose lease ran out: its sessions stop counting.
      redis.call('HDEL', KEYS[i], counts[j])
    end
  end
  if total >= cap then
    return (i - 1) .. ',' .. rejoined
  end
end
local mine = prefix .. 'keys:' .. me
for i = 2, #KEYS do
  redis.call('HINCRBY', KEYS[i], me, 1)
  redis.call('SADD', mine, KEYS[i])
end
return '0,' .. rejoined
