#!/usr/bin/env bash
# The admin API under wrk (64 connections, 2 threads), against nginx serving
# the same JSON as a static file in the same namespace (the ceiling):
#   1. a page of 100 devices out of 1,000 (GET /api/v1/devices?limit=100&offset=…)
#   2. device create + revoke with 10,000 devices present
# Prints requests/s, p99 and the ratio to nginx. Run as root:
#   bench/api_wrk.sh BUILD_DIR [SECONDS]
set -euo pipefail
BIN_DIR=$(cd "${1:?usage: api_wrk.sh BUILD_DIR [SECONDS]}" && pwd)
SECONDS_PER_RUN=${2:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
for tool in wrk nginx oathtool jq curl wg; do
  command -v "$tool" >/dev/null || { echo "api_wrk: $tool is missing (scripts/deps.sh --test)" >&2; exit 1; }
done

ID=$(( ($$ % 90000) + 10000 ))
NS="pkt-bench-$ID"
IF="pb$ID"
WORK=$(mktemp -d /tmp/picket-bench.XXXXXX)
PICKETD_PID="" NGINX_PID=""
cleanup() {
  set +e
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  [ -n "$PICKETD_PID" ] && kill "$PICKETD_PID" 2>/dev/null && wait "$PICKETD_PID" 2>/dev/null
  if ip netns list | grep -qw "$NS"; then
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns delete "$NS"
  fi
  rm -f "/var/run/wireguard/$IF.sock"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { ip netns exec "$NS" "$@"; }
elapsed() { awk -v ns=$(( $(date +%s%N) - $1 )) 'BEGIN { printf "%.1f", ns / 1e9 }'; }
sock() { curl -s --unix-socket "$WORK/picket.sock" -H 'Content-Type: application/json' "$@"; }

ip netns add "$NS"
in_ns ip link set lo up
# A /16 so that 10,000 devices fit; a long drift interval so that no full
# read of the interface (0.4 s at 10,000 peers) lands inside a run.
in_ns "$BIN_DIR/controller/picketd" --state-dir "$WORK/state" --socket "$WORK/picket.sock" \
  --interface "$IF" --endpoint 192.0.2.1:51820 --ipv4-subnet 10.99.0.0/16 --drift-interval 86400 \
  --api-port 8080 >"$WORK/picketd.log" 2>&1 &
PICKETD_PID=$!
for _ in $(seq 100); do [ -S "$WORK/picket.sock" ] && break; sleep 0.1; done
[ -S "$WORK/picket.sock" ] || { cat "$WORK/picketd.log"; exit 1; }

# N random public keys (30 random bytes + 2 zero bytes each), one a line.
keys() { { head -c $(( 30 * $1 )) /dev/urandom | base64 -w0 | fold -w 40; echo; } | sed 's/$/AAA=/'; }

# add_devices MEMBER FIRST COUNT: over the unix socket, one curl for all.
add_devices() {
  local member=$1 first=$2 count=$3 i=$2
  keys "$count" | while read -r key; do
    # --next resets every option, so each request repeats them.
    [ "$i" -gt "$first" ] && echo next
    printf 'unix-socket = "%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\nurl = "http://localhost/api/v1/members/%s/devices"\ndata = "{\\"label\\":\\"d%d\\",\\"public_key\\":\\"%s\\"}"\noutput = /dev/null\nsilent\n' \
      "$WORK/picket.sock" "$member" "$i" "$key"
    i=$((i + 1))
  done >"$WORK/batch.curl"
  curl -K "$WORK/batch.curl"
}

echo "setting up: an admin, 1,000 devices"
TOKEN=$(sock http://localhost/api/v1/setup | jq -r .setup_token)
API=http://127.0.0.1:8080
SECRET=$(in_ns curl -s -H 'Content-Type: application/json' \
  -d '{"setup_token":"'"$TOKEN"'","username":"bench","password":"tulip marble ferry 88"}' \
  "$API/api/v1/setup" | jq -r .totp_secret)
in_ns curl -s -c "$WORK/jar" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"tulip marble ferry 88","totp":"'"$(oathtool --totp -b "$SECRET")"'"}' \
  "$API/api/v1/session" >"$WORK/login.json"
CSRF=$(jq -r .csrf_token "$WORK/login.json")
COOKIE="picket_session=$(awk '$6 == "picket_session" {print $7}' "$WORK/jar")"
for m in $(seq 0 9); do sock -d '{"label":"m'"$m"'"}' http://localhost/api/v1/members >/dev/null; done
started=$(date +%s%N)
for m in $(seq 0 9); do add_devices "m$m" 0 100; done
echo "  1,000 devices added over the unix socket in $(elapsed "$started") s"
TOTAL=$(sock "http://localhost/api/v1/devices?limit=1" | jq .total)
[ "$TOTAL" = 1000 ] || { echo "expected 1000 devices, have $TOTAL" >&2; exit 1; }

# One full read of the interface joined with the devices: what GET /status
# holds the API thread for (LiveStats reads for the listings on a thread of
# their own, so no listing waits for one).
status_ms() { sock -o /dev/null -w '%{time_total}' http://localhost/api/v1/status | awk '{ printf "%.0f", $1 * 1000 }'; }
STATUS_1K=$(status_ms)

PAGE="/api/v1/devices?limit=100&offset=400"
in_ns curl -s -H "Cookie: $COOKIE" "$API$PAGE" >"$WORK/page.json"
[ "$(jq '.devices | length' "$WORK/page.json")" = 100 ] || { echo "the page is not 100 devices" >&2; exit 1; }
mkdir -p "$WORK/www"
cp "$WORK/page.json" "$WORK/www/page.json"
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $WORK; proxy_temp_path $WORK; fastcgi_temp_path $WORK;
  uwsgi_temp_path $WORK; scgi_temp_path $WORK;
  server { listen 127.0.0.1:8081; root $WORK/www; }
}
NGINX
in_ns nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 50); do in_ns curl -sf -o /dev/null http://127.0.0.1:8081/page.json && break; sleep 0.1; done

# The machine is shared: each run prints the 1-minute load average before it.
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# run_wrk ARGS...: prints "req/s p99_ms max_ms non2xx"
run_wrk() {
  echo "  load average $(loadavg) before: wrk $*" | sed 's/Cookie: [^ ]*/Cookie: …/; s/X-CSRF-Token: [^ ]*/X-CSRF-Token: …/' >&2
  in_ns wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "$@" >"$WORK/wrk.out" 2>&1
  local rps p99 max non2xx
  ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v }'; }
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.out")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")")
  max=$(ms "$(awk '$1 == "Latency" && NF >= 5 {print $4; exit}' "$WORK/wrk.out")")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.out")
  echo "$rps ${p99:-?} ${max:-?} ${non2xx:-0}"
}

echo "running wrk: -t2 -c64 -d${SECONDS_PER_RUN}s; response $(stat -c %s "$WORK/page.json") bytes"
read -r NGINX_RPS NGINX_P99 NGINX_MAX _ <<<"$(run_wrk http://127.0.0.1:8081/page.json)"
read -r READ_RPS READ_P99 READ_MAX READ_ERR <<<"$(run_wrk -H "Cookie: $COOKIE" "$API$PAGE")"

echo "setting up: 10,000 devices"
sock -d '{"label":"bench"}' http://localhost/api/v1/members >/dev/null
started=$(date +%s%N)
for m in $(seq 0 8); do add_devices "m$m" 100 1000; done
echo "  9,000 more devices added in $(elapsed "$started") s"
TOTAL=$(sock "http://localhost/api/v1/devices?limit=1" | jq .total)
[ "$TOTAL" = 10000 ] || { echo "expected 10000 devices, have $TOTAL" >&2; exit 1; }
STATUS_10K=$(status_ms)
read -r WRITE_RPS WRITE_P99 WRITE_MAX WRITE_ERR <<<"$(PICKET_PASSWORD="tulip marble ferry 88" run_wrk -s "$HERE/api_create_revoke.lua" -H "Cookie: $COOKIE" \
  -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' "$API")"
LEFT=$(sock "http://localhost/api/v1/devices?member=bench&limit=1" | jq .total)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
echo
printf '%-44s %12s %10s %10s %10s %8s\n' "run (64 connections, ${SECONDS_PER_RUN}s)" "requests/s" "p99 ms" "max ms" "vs nginx" "non-2xx"
printf '%-44s %12s %10s %10s %10s %8s\n' "nginx: the same JSON as a static file" "$NGINX_RPS" "$NGINX_P99" "$NGINX_MAX" "1.00" "0"
printf '%-44s %12s %10s %10s %10s %8s\n' "picketd: page of 100 of 1,000 devices" "$READ_RPS" "$READ_P99" "$READ_MAX" "$(ratio "$READ_RPS" "$NGINX_RPS")" "$READ_ERR"
printf '%-44s %12s %10s %10s %10s %8s\n' "picketd: create+revoke, 10,000 present" "$WRITE_RPS" "$WRITE_P99" "$WRITE_MAX" "$(ratio "$WRITE_RPS" "$NGINX_RPS")" "$WRITE_ERR"
echo "(create+revoke: each request is one create or one revoke, applied to wireguard-go before"
echo " it answers; $LEFT benchmark devices were left created when wrk stopped)"
echo "one full read of the interface (GET /status; the listings' live figures are read on"
echo " a thread of their own): ${STATUS_1K} ms at 1,000 devices, ${STATUS_10K} ms at 10,000"
echo "target: reads >= 20000 requests/s with p99 < 10 ms"
