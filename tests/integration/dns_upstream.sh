# shellcheck shell=bash
# Sourced by the DNS tests after lib.sh: a test upstream (the unbound daemon
# serving a small zone from local-data) on loopback inside the gateway
# namespace, so libunbound in picketd forwards to it over plain DNS. Its
# process lives in the namespace, which lib.sh's cleanup empties.

# UPSTREAM_EXTRA: more lines appended to its config (set before calling).

# A TXT RRset larger than 1232 bytes: the UDP answer is truncated.
big_txt_lines() {
  local i
  for i in $(seq 8); do
    printf "  local-data: 'big.test.example. 300 IN TXT \"%s\"'\n" "$(printf 'chunk%02d-%0200d' "$i" 0)"
  done
}

start_test_upstream() {
  local conf="$WORK/upstream.conf"
  cat >"$conf" <<CONF
server:
  interface: 127.0.0.1
  port: 5353
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$WORK"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 0
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  local-zone: "test.example." static
  local-data: "test.example. 3600 IN SOA ns.test.example. hostmaster.test.example. 1 3600 600 86400 60"
  local-data: "www.test.example. 300 IN A 192.0.2.10"
  local-data: "www.test.example. 300 IN AAAA 2001:db8::10"
  local-data: "alias.test.example. 300 IN CNAME alias2.test.example."
  local-data: "alias2.test.example. 300 IN CNAME www.test.example."
  local-data: "test.example. 300 IN MX 10 mail.test.example."
  local-data: "mail.test.example. 300 IN A 192.0.2.25"
  local-data: 'txt.test.example. 300 IN TXT "picket-test-text"'
  local-data: "ads.blocked.example. 300 IN A 192.0.2.66"
  local-data: "later.blocked.example. 300 IN A 192.0.2.67"
  local-zone: "blocked.example." static
  # An upstream that refuses: libunbound has no server left and answers SERVFAIL.
  local-zone: "broken.example." always_refuse
$(big_txt_lines)
${UPSTREAM_EXTRA:-}
CONF
  unbound-checkconf "$conf" >/dev/null || fail "the test upstream's config is invalid"
  ip netns exec "$GW_NS" unbound -d -c "$conf" >>"$WORK/upstream.log" 2>&1 &
  for _ in $(seq 50); do
    ip netns exec "$GW_NS" dig +time=1 +tries=1 @127.0.0.1 -p 5353 www.test.example A +short 2>/dev/null |
      grep -q 192.0.2.10 && return 0
    sleep 0.1
  done
  fail "the test upstream did not start"
}

# dig from the member's namespace through the tunnel to the gateway's resolver.
member_dig() { ip netns exec "$MEM_NS" dig +time=2 +tries=1 @10.77.0.1 "$@"; }
