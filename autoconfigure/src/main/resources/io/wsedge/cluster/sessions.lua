-- The session registry of every live instance.
-- KEYS[1]: the instances; ARGV[1]: the prefix of the instances' session hashes
-- Returns one string: per session, instance US id US description, sessions separated by RS.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local out = {}
for _, instance in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  local sessions = redis.call('HGETALL', ARGV[1] .. instance)
  for j = 1, #sessions, 2 do
    out[#out + 1] = instance .. '\31' .. sessions[j] .. '\31' .. sessions[j + 1]
  end
end
return table.concat(out, '\30')
