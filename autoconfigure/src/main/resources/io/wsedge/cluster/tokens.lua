-- Takes up to a batch of tokens from a cluster-wide token bucket.
-- KEYS[1]: the bucket (a hash: tokens, at); ARGV[1]: the rate per second; ARGV[2]: the bucket's size;
-- ARGV[3]: the tokens wanted
-- Returns the tokens taken (0 when the bucket is empty).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = tonumber(ARGV[1])
local size = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then
  tokens = size
else
  tokens = math.min(size, tokens + math.max(0, now - at) * rate / 1000)
end
local taken = math.min(math.floor(tokens), tonumber(ARGV[3]))
tokens = tokens - taken
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
-- Gone once full again: an idle bucket costs nothing.
redis.call('PEXPIRE', KEYS[1], math.ceil(size / rate * 1000) + 1000)
return taken
