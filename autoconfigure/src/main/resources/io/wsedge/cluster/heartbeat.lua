-- Renews this instance's lease, and so every place its sessions hold and its part of the session registry.
-- KEYS[1]: the instances; KEYS[2]: this instance's sessions (a hash: session id -> its description)
-- ARGV[1]: this instance; ARGV[2]: the lease time in ms
-- Returns 1 when this instance was not in the instances any more (it must put its own counts back), else 0.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local rejoined = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
return rejoined
