#!/usr/bin/env bash
# dnsperf against Picket's resolver and against the unbound daemon set up
# for the same work, in one run: the same local names (unbound: local-data),
# the same cached names (both forward misses to one upstream and are warmed
# first), each pinned to the same core, dnsperf on the other. Prints qps,
# latency, RSS and the ratios. Loopback only. Usage: dns_resolver_bench.sh BUILD_DIR [SECONDS]
set -euo pipefail
BUILD=$(cd "$1" && pwd)
DURATION=${2:-10}
LOCAL_NAMES=1000
CACHED_NAMES=2000
WORK=$(mktemp -d /tmp/picket-dnsbench.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT
CORE_SERVER=$(( $(nproc) - 1 ))
CORE_CLIENT=0

common='  do-daemonize: no
  username: ""
  chroot: ""
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 0
  do-ip6: no
  access-control: 127.0.0.0/8 allow'

# The upstream: a zone with the names to be cached.
{
  echo "server:"; echo "  interface: 127.0.0.1"; echo "  port: 25353"; echo "  directory: \"$WORK\""; echo "$common"
  echo '  local-zone: "bench.example." static'
  for i in $(seq $CACHED_NAMES); do echo "  local-data: \"n$i.bench.example. 3600 IN A 192.0.2.$((i % 250 + 1))\""; done
} >"$WORK/upstream.conf"
# unbound doing Picket's job: forwarding, the same local names, no logging.
{
  echo "server:"; echo "  interface: 127.0.0.1"; echo "  port: 25355"; echo "  directory: \"$WORK\""; echo "$common"
  echo "  num-threads: 1"; echo "  do-not-query-localhost: no"; echo "  module-config: iterator"
  echo '  local-zone: "picket.internal." static'
  for i in $(seq 0 $((LOCAL_NAMES - 1))); do
    h=$((i + 2)); echo "  local-data: \"dev$i.member.picket.internal. 60 IN A 10.77.$((h >> 8)).$((h & 255))\""
  done
  echo "forward-zone:"; echo '  name: "."'; echo "  forward-addr: 127.0.0.1@25353"
} >"$WORK/unbound.conf"

unbound -d -c "$WORK/upstream.conf" 2>/dev/null & PIDS+=($!)
taskset -c $CORE_SERVER unbound -d -c "$WORK/unbound.conf" 2>/dev/null & PIDS+=($!); UNBOUND_PID=$!
taskset -c $CORE_SERVER "$BUILD/bench/picket_bench_dns_server" 25354 127.0.0.1@25353 $LOCAL_NAMES >"$WORK/picket.out" & PIDS+=($!); PICKET_PID=$!
for _ in $(seq 50); do grep -q ready "$WORK/picket.out" 2>/dev/null && break; sleep 0.1; done
sleep 0.5

# Queries: 80% cached names, 20% local device names.
{
  for i in $(seq $CACHED_NAMES); do echo "n$i.bench.example A"; done
  for i in $(seq 0 $((LOCAL_NAMES / 2 - 1))); do echo "dev$i.member.picket.internal A"; done
} | shuf --random-source=<(yes) >"$WORK/queries.txt"

run() {  # name port
  # Warm the cache with one pass, then measure.
  dnsperf -s 127.0.0.1 -p "$2" -d "$WORK/queries.txt" -n 1 >/dev/null 2>&1
  taskset -c $CORE_CLIENT dnsperf -s 127.0.0.1 -p "$2" -d "$WORK/queries.txt" -l "$DURATION" -c 16 -q 200 >"$WORK/$1.perf" 2>&1
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
field() { awk -v key="$2" 'index($0, key) { sub(/.*: */, ""); print $1; exit }' "$WORK/$1.perf"; }

run picket 25354
run unbound 25355
for who in picket unbound; do
  grep -q "Queries lost: *0 " "$WORK/$who.perf" || echo "note: $who lost queries: $(grep 'Queries lost' "$WORK/$who.perf")"
done
PQ=$(field picket "Queries per second"); UQ=$(field unbound "Queries per second")
PL=$(field picket "Average Latency"); UL=$(field unbound "Average Latency")
PS=$(field picket "Latency StdDev"); US=$(field unbound "Latency StdDev")
PR=$(rss_kib "$PICKET_PID"); UR=$(rss_kib "$UNBOUND_PID")
printf '%-8s %12s %14s %14s %10s\n' "" "qps" "avg lat (ms)" "p99~ (ms)" "RSS (MiB)"
for who in picket unbound; do
  if [ $who = picket ]; then q=$PQ l=$PL s=$PS r=$PR; else q=$UQ l=$UL s=$US r=$UR; fi
  # dnsperf 2.10 prints mean and stddev only: p99 estimated as mean + 2.33 sd.
  printf '%-8s %12.0f %14.3f %14.3f %10.1f\n' $who "$q" "$(echo "$l*1000" | bc -l)" \
    "$(echo "($l+2.33*$s)*1000" | bc -l)" "$(echo "$r/1024" | bc -l)"
done
printf 'ratio picket/unbound: qps %.2fx, mean latency %.2fx, RSS %.2fx\n' \
  "$(echo "$PQ/$UQ" | bc -l)" "$(echo "$PL/$UL" | bc -l)" "$(echo "$PR/$UR" | bc -l)"
