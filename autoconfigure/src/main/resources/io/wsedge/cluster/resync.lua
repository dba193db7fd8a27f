-- Puts this instance's own counts back as they are (after Redis was away, or lost its data).
-- KEYS: the quotas; ARGV[1]: this instance; ARGV[2]: the set of the quotas this instance holds places in;
-- ARGV[3..]: its count in each quota, in KEYS order (0 removes it)
for i = 1, #KEYS do
  local count = tonumber(ARGV[i + 2])
  if count > 0 then
    redis.call('HSET', KEYS[i], ARGV[1], count)
    redis.call('SADD', ARGV[2], KEYS[i])
  else
    redis.call('HDEL', KEYS[i], ARGV[1])
    redis.call('SREM', ARGV[2], KEYS[i])
  end
end
return 0
