-- wrk script: each connection alternates creating a device (random public
-- key, unique label) and revoking one whose creation has been answered.
-- Cookie, CSRF token and Content-Type come from wrk's -H flags.
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local queue = {}
local created = 0
local prefix

local function random_key()
  -- 30 random bytes and two zero bytes: a 32-byte X25519 public key in base64.
  local t = {}
  for i = 1, 40 do
    local r = math.random(1, 64)
    t[i] = alphabet:sub(r, r)
  end
  return table.concat(t) .. "AAA="
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  prefix = string.format("w%d", math.random(1, 999999999))
end

function request()
  local label = table.remove(queue)
  if label then
    return wrk.format("DELETE", "/api/v1/members/bench/devices/" .. label, nil, "")
  end
  created = created + 1
  -- Over HTTP a new device widens access: the admin's password goes with it
  -- (PICKET_PASSWORD), so each create costs one Argon2id verification.
  local body = string.format('{"label":"%s-%d","public_key":"%s","password":"%s"}', prefix, created,
                             random_key(), os.getenv("PICKET_PASSWORD") or "")
  return wrk.format("POST", "/api/v1/members/bench/devices", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    local label = body:match('"label":"([^"]+)"')
    if label then table.insert(queue, label) end
  end
end
