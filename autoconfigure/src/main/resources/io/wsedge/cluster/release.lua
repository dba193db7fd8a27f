-- Gives back a place in each quota.
-- KEYS: the quotas (hashes: instance id -> sessions that instance holds)
-- ARGV[1]: this instance; ARGV[2]: the set of the quotas this instance holds places in
for i = 1, #KEYS do
  if redis.call('HINCRBY', KEYS[i], ARGV[1], -1) <= 0 then
    redis.call('HDEL', KEYS[i], ARGV[1])
    redis.call('SREM', ARGV[2], KEYS[i])
  end
end
return 0
