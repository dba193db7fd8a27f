-- Gives back a place in each quota.
-- KEYS: the quotas (hashes: instance id -> sessions that instance holds); ARGV[1]: this instance
for i = 1, #KEYS do
  if redis.call('HINCRBY', KEYS[i], ARGV[1], -1) <= 0 then
    redis.call('HDEL', KEYS[i], ARGV[1])
  end
end
return 0
