#!/usr/bin/env bash
# Soak: the admin API (wrk: device create+revoke and list pages, in turns)
# and the members' resolver (dnsperf: device names from the local zone and
# names cached from an upstream) under load together, with 10,000 devices,
# for a bounded time. Samples picketd's RSS and open file descriptors every
# 10 s and reports their growth after the first minute (the target is none:
# caches fill in the first minute, then memory and descriptors stay flat).
# Run as root: bench/soak.sh BUILD_DIR [SECONDS (default 600)]
set -euo pipefail
BIN_DIR=$(cd "${1:?usage: soak.sh BUILD_DIR [SECONDS]}" && pwd)
DURATION=${2:-600}
HERE=$(cd "$(dirname "$0")" && pwd)
DEVICES=10000
for tool in wrk dnsperf unbound oathtool jq curl; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is missing (scripts/deps.sh --test)" >&2; exit 1; }
done
[ "$DURATION" -ge 90 ] || { echo "soak: run at least 90 s (the first minute is warm-up)" >&2; exit 1; }

ID=$(( ($$ % 90000) + 10000 ))
NS="pkt-soak-$ID"
IF="ps$ID"
WORK=$(mktemp -d /tmp/picket-soak.XXXXXX)
PIDS=()
PICKETD_PID=""
cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
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
sock() { curl -s --unix-socket "$WORK/picket.sock" -H 'Content-Type: application/json' "$@"; }

ip netns add "$NS"
in_ns ip link set lo up

# The upstream the resolver forwards misses to: a zone of names to cache.
UPSTREAM_NAMES=5000
{
  printf 'server:\n  interface: 127.0.0.1\n  port: 25353\n  directory: "%s"\n' "$WORK"
  printf '  do-daemonize: no\n  username: ""\n  chroot: ""\n  pidfile: ""\n  use-syslog: no\n  logfile: ""\n'
  printf '  verbosity: 0\n  do-ip6: no\n  access-control: 127.0.0.0/8 allow\n'
  printf '  local-zone: "soak.example." static\n'
  for i in $(seq $UPSTREAM_NAMES); do
    # A short TTL, so the resolver's caches keep expiring and refilling.
    echo "  local-data: \"n$i.soak.example. 30 IN A 192.0.2.$((i % 250 + 1))\""
  done
} >"$WORK/upstream.conf"
in_ns unbound -d -c "$WORK/upstream.conf" >/dev/null 2>&1 &
PIDS+=($!)

# A /16 so 10,000 devices fit; the default drift interval (a full read of
# 10,000 peers every 60 s is part of the steady state being measured).
# Not through in_ns: a backgrounded function would leave $! naming a subshell.
ip netns exec "$NS" "$BIN_DIR/controller/picketd" --state-dir "$WORK/state" --socket "$WORK/picket.sock" \
  --interface "$IF" --endpoint 192.0.2.1:51820 --ipv4-subnet 10.99.0.0/16 --api-port 8080 \
  --dns-upstream plain --dns-server 127.0.0.1@25353 --no-dns-dnssec --dns-rate-limit 0 \
  --uplink none >"$WORK/picketd.log" 2>&1 &
PICKETD_PID=$!
for _ in $(seq 100); do [ -S "$WORK/picket.sock" ] && break; sleep 0.1; done
[ -S "$WORK/picket.sock" ] || { cat "$WORK/picketd.log"; exit 1; }

echo "setting up: an admin session, $DEVICES devices"
API=http://127.0.0.1:8080
TOKEN=$(sock http://localhost/api/v1/setup | jq -r .setup_token)
SECRET=$(in_ns curl -s -H 'Content-Type: application/json' \
  -d '{"setup_token":"'"$TOKEN"'","username":"soak","password":"tulip marble ferry 88"}' \
  "$API/api/v1/setup" | jq -r .totp_secret)
in_ns curl -s -c "$WORK/jar" -H 'Content-Type: application/json' \
  -d '{"username":"soak","password":"tulip marble ferry 88","totp":"'"$(oathtool --totp -b "$SECRET")"'"}' \
  "$API/api/v1/session" >"$WORK/login.json"
CSRF=$(jq -r .csrf_token "$WORK/login.json")
COOKIE="picket_session=$(awk '$6 == "picket_session" {print $7}' "$WORK/jar")"
[ "$CSRF" != null ] && [ -n "$CSRF" ] || { echo "soak: login failed" >&2; exit 1; }

# 10 members x 1,000 devices over the unix socket, one curl per member.
keys() { { head -c $(( 30 * $1 )) /dev/urandom | base64 -w0 | fold -w 40; echo; } | sed 's/$/AAA=/'; }
for m in $(seq 0 9); do
  sock -d '{"label":"m'"$m"'"}' http://localhost/api/v1/members >/dev/null
  i=0
  keys $((DEVICES / 10)) | while read -r key; do
    [ $i -gt 0 ] && echo next
    printf 'unix-socket = "%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\nurl = "http://localhost/api/v1/members/m%d/devices"\ndata = "{\\"label\\":\\"d%d\\",\\"public_key\\":\\"%s\\"}"\noutput = /dev/null\nsilent\n' \
      "$WORK/picket.sock" "$m" "$i" "$key"
    i=$((i + 1))
  done >"$WORK/batch.curl"
  curl -K "$WORK/batch.curl"
done
sock -d '{"label":"bench"}' http://localhost/api/v1/members >/dev/null
TOTAL=$(sock "http://localhost/api/v1/devices?limit=1" | jq .total)
[ "$TOTAL" = "$DEVICES" ] || { echo "soak: expected $DEVICES devices, have $TOTAL" >&2; exit 1; }

# DNS queries: half device names (local zone), half upstream names.
{
  for i in $(seq 0 2 $((DEVICES / 10 - 1))); do echo "d$i.m$((i % 10)).picket.internal A"; done
  for i in $(seq $UPSTREAM_NAMES); do echo "n$i.soak.example A"; done
} | shuf >"$WORK/queries.txt"

END=$(($(date +%s) + DURATION))
echo "load for $DURATION s: dnsperf (at most 5,000 queries/s) and wrk (-c16) against picketd"
# The resolver answers tunnel sources only: query from the gateway's own
# tunnel address. A capped rate keeps it a soak, not a saturation test.
in_ns dnsperf -s 10.99.0.1 -a 10.99.0.1 -d "$WORK/queries.txt" -l "$DURATION" -c 8 -Q 5000 \
  >"$WORK/dnsperf.out" 2>&1 &
PIDS+=($!)
DNSPERF_PID=$!
(
  # The API: create+revoke for 20 s, then list pages for 10 s, over and over.
  while [ "$(date +%s)" -lt "$END" ]; do
    left=$((END - $(date +%s)))
    [ "$left" -gt 1 ] || break
    # Over HTTP each create needs the admin's password (principle 12).
    PICKET_PASSWORD="tulip marble ferry 88" in_ns wrk -t1 -c16 -d"$((left < 20 ? left : 20))s" -s "$HERE/api_create_revoke.lua" \
      -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' "$API" \
      >>"$WORK/wrk-write.out" 2>&1
    left=$((END - $(date +%s)))
    [ "$left" -gt 1 ] || break
    in_ns wrk -t1 -c16 -d"$((left < 10 ? left : 10))s" -H "Cookie: $COOKIE" \
      "$API/api/v1/devices?limit=100&offset=$((RANDOM % 9900))" >>"$WORK/wrk-read.out" 2>&1
  done
) &
PIDS+=($!)
WRK_LOOP=$!

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$PICKETD_PID/status"; }
fds() { ls "/proc/$PICKETD_PID/fd" | wc -l; }
printf '%8s %10s %6s\n' "t (s)" "RSS (KiB)" "fds"
START=$(date +%s)
: >"$WORK/samples"
while [ "$(date +%s)" -lt "$END" ]; do
  kill -0 "$PICKETD_PID" 2>/dev/null || { echo "soak: picketd died" >&2; tail -n 20 "$WORK/picketd.log" >&2; exit 1; }
  t=$(($(date +%s) - START))
  line="$t $(rss_kib) $(fds)"
  echo "$line" >>"$WORK/samples"
  printf '%8s %10s %6s\n' $line
  sleep 10
done
wait "$WRK_LOOP" || true
wait "$DNSPERF_PID" || true

# Growth after the first minute: first sample at or after 60 s to the last,
# and the mean of the last three samples against the first three (one
# sample can catch the allocator or a cache mid-cycle).
awk '$1 >= 60' "$WORK/samples" >"$WORK/steady"
read -r T1 R1 F1 <<<"$(head -n1 "$WORK/steady")"
read -r T2 R2 F2 <<<"$(tail -n1 "$WORK/steady")"
mean3() { awk '{ r += $2; f += $3; n++ } END { printf "%d %.1f", r / n, f / n }'; }
read -r RA FA <<<"$(head -n3 "$WORK/steady" | mean3)"
read -r RB FB <<<"$(tail -n3 "$WORK/steady" | mean3)"
requests() { awk '/requests in/ {s += $1} END {print s + 0}' "$1"; }
non2xx() { awk '/Non-2xx/ {s += $5} END {print s + 0}' "$1"; }
echo
echo "API: $(requests "$WORK/wrk-write.out") create/revoke requests ($(non2xx "$WORK/wrk-write.out") non-2xx)," \
  "$(requests "$WORK/wrk-read.out") list-page requests ($(non2xx "$WORK/wrk-read.out") non-2xx)"
echo "DNS: $(awk -F': *' '/Queries completed/ {print $2}' "$WORK/dnsperf.out" | awk '{print $1}') queries answered," \
  "$(awk -F': *' '/Queries lost/ {print $2}' "$WORK/dnsperf.out" | awk '{print $1}') lost," \
  "$(awk -F': *' '/Queries per second/ {print $2}' "$WORK/dnsperf.out") per second"
echo "picketd after the first minute (t=$T1 s to t=$T2 s, $(wc -l <"$WORK/steady") samples):"
echo "  RSS $R1 KiB -> $R2 KiB ($((R2 - R1)) KiB); range $(awk 'NR == 1 || $2 < min {min = $2} END {print min}' "$WORK/steady")" \
  "to $(awk '$2 > max {max = $2} END {print max}' "$WORK/steady") KiB; mean of the last 3 samples vs the first 3:" \
  "$((RB - RA)) KiB ($(awk -v a="$RA" -v b="$RB" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')%)"
echo "  open descriptors $F1 -> $F2; range $(awk 'NR == 1 || $3 < min {min = $3} END {print min}' "$WORK/steady")" \
  "to $(awk '$3 > max {max = $3} END {print max}' "$WORK/steady"); mean of the last 3 vs the first 3: $FA -> $FB"
echo "picketd log: $(grep -ci "error\|failed" "$WORK/picketd.log" || true) error lines"
