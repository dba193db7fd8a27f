-- Renews this instance's lease, and so every place its sessions hold and its part of the session registry; clears
-- away what instances whose lease ran out left.
-- KEYS[1]: the instances; KEYS[2]: this instance's sessions (a hash: session id -> its description)
-- ARGV[1]: this instance; ARGV[2]: the lease time in ms; ARGV[3]: the key prefix
-- Returns 1 when this instance was not in the instances any more (it must put its own counts back), else 0.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local prefix = ARGV[3]
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  local held = prefix .. 'keys:' .. gone
  for _, key in ipairs(redis.call('SMEMBERS', held)) do
    redis.call('HDEL', key, gone)
  end
  redis.call('DEL', held, prefix .. 'sessions:' .. gone)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local rejoined = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
return rejoined
