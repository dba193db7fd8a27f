-- Withdraws this instance from the cluster at a clean shutdown: its lease, its entries in every quota, its sessions.
-- KEYS[1]: the instances; ARGV[1]: this instance; ARGV[2]: the key prefix
local prefix = ARGV[2]
local held = prefix .. 'keys:' .. ARGV[1]
for _, key in ipairs(redis.call('SMEMBERS', held)) do
  redis.call('HDEL', key, ARGV[1])
end
redis.call('DEL', held, prefix .. 'sessions:' .. ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
return 0
