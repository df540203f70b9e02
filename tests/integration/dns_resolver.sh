#!/usr/bin/env bash
# The members' resolver end to end: picketd in the gateway namespace with
# libunbound forwarding to a test unbound on loopback, a member on
# wireguard-go asking through the tunnel. Records, local device names,
# blocklists and their reload, TCP fallback, refusal of outside sources,
# SERVFAIL from a broken upstream, and no query name anywhere picketd
# writes. Usage: dns_resolver.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_upstream.sh"

setup_network
ip netns exec "$GW_NS" true
ip -n "$GW_NS" link set lo up
start_test_upstream
printf '# test list\n0.0.0.0 ads.blocked.example\n' >"$WORK/hosts.block"
printf 'tracker.example.org\n' >"$WORK/domains.block"
start_picketd --dns-upstream plain --dns-server 127.0.0.1@5353 --no-dns-dnssec \
  --dns-blocklist "$WORK/hosts.block" --dns-blocklist "$WORK/domains.block"

picket member add alice >/dev/null
picket device add alice phone >"$WORK/phone.out"
qr_to_config <"$WORK/phone.out" | client_up
ip -n "$MEM_NS" route replace fd77:77::/64 dev "$MEM_IF"
member_reaches_gateway || fail "member cannot reach the gateway"

log "records through the tunnel: A, AAAA, CNAME chain, MX, TXT, NXDOMAIN"
[ "$(member_dig +short www.test.example A)" = 192.0.2.10 ] || fail "A"
[ "$(member_dig +short www.test.example AAAA)" = 2001:db8::10 ] || fail "AAAA"
member_dig +short alias.test.example A | tr '\n' ' ' | grep_quiet "alias2.test.example. www.test.example. 192.0.2.10" ||
  fail "CNAME chain"
[ "$(member_dig +short test.example MX)" = "10 mail.test.example." ] || fail "MX"
TXT_OUT=$(member_dig +short txt.test.example TXT); [ "$TXT_OUT" = "\"picket-test-text\"" ] || fail "TXT: $TXT_OUT"
member_dig nothing.test.example A | grep_quiet "status: NXDOMAIN" || fail "NXDOMAIN"
log "a second ask comes from the cache, with a lower or equal TTL and the asked case"
member_dig WwW.TeSt.ExAmPlE A | grep_quiet "^WwW.TeSt.ExAmPlE.*IN.*A" || fail "the question case was not kept"
ip netns exec "$MEM_NS" dig +time=2 +tries=1 @fd77:77::1 +short www.test.example A | grep_quiet 192.0.2.10 ||
  fail "the resolver does not answer on the IPv6 tunnel address"

log "local device names: A, AAAA, PTR; following device changes"
[ "$(member_dig +short phone.alice.picket.internal A)" = 10.77.0.2 ] || fail "local A"
[ "$(member_dig +short phone.alice.picket.internal AAAA)" = fd77:77::2 ] || fail "local AAAA"
[ "$(member_dig +short -x 10.77.0.2)" = phone.alice.picket.internal. ] || fail "local PTR"
picket device add alice laptop >/dev/null
[ "$(member_dig +short laptop.alice.picket.internal A)" = 10.77.0.3 ] || fail "new device not in the zone"
picket device disable alice laptop >/dev/null
member_dig laptop.alice.picket.internal A | grep_quiet "status: NXDOMAIN" || fail "disabled device still in the zone"
picket device revoke alice laptop >/dev/null

log "blocklists: hosts and domain-list files; reload on SIGHUP and by the CLI"
member_dig ads.blocked.example A | grep_quiet "status: NXDOMAIN" || fail "hosts-format entry not blocked"
member_dig sub.tracker.example.org A | grep_quiet "status: NXDOMAIN" || fail "domain-list subdomain not blocked"
LATER=$(member_dig later.blocked.example A); echo "$LATER" | grep_quiet "192.0.2.67" || fail "unlisted name answered wrongly: $LATER"
echo "later.blocked.example" >>"$WORK/domains.block"
kill -HUP "$PICKETD_PID"
for _ in $(seq 30); do member_dig later.blocked.example A | grep_quiet "status: NXDOMAIN" && break; sleep 0.1; done
member_dig later.blocked.example A | grep_quiet "status: NXDOMAIN" || fail "SIGHUP did not reload the blocklist"
printf '\x00\xff\xfe garbage\n{{{\n' >"$WORK/bad.block"
picket dns set --blocklist "$WORK/bad.block" >/dev/null 2>&1 && fail "a binary blocklist was accepted"
member_dig ads.blocked.example A | grep_quiet "status: NXDOMAIN" || fail "a refused reload changed the list"
picket dns reload | grep_quiet "blocked domains" || fail "picket dns reload"
picket dns set --block-answer null >/dev/null
[ "$(member_dig +short ads.blocked.example A)" = 0.0.0.0 ] || fail "null block answer"

log "TC over UDP, answered over TCP"
member_dig +ignore +bufsize=1232 big.test.example TXT | grep_quiet "flags:.* tc" || fail "no TC bit over UDP"
[ "$(member_dig +short big.test.example TXT | wc -l)" = 8 ] || fail "no TCP fallback"
[ "$(member_dig +tcp +short www.test.example A)" = 192.0.2.10 ] || fail "TCP"

log "EDNS: UDP answers stay within our 1232 bytes whatever the client offers; version 1 gets BADVERS"
# +ignore: no retry over TCP, so dig reports the UDP message itself.
BIG=$(member_dig +ignore +bufsize=4096 big.test.example TXT)
echo "$BIG" | grep_quiet "flags:.* tc" || fail "a 3.6 KB answer to a client offering 4096 bytes was not truncated"
SIZE=$(echo "$BIG" | sed -n 's/.*MSG SIZE  rcvd: \([0-9]*\).*/\1/p')
[ -n "$SIZE" ] && [ "$SIZE" -le 1232 ] || fail "a UDP answer of $SIZE bytes, above the 1232 Picket advertises"
echo "$BIG" | grep_quiet "udp: 1232" || fail "the answer does not advertise 1232 bytes"
# +noednsneg: dig would otherwise retry with version 0 and show that answer.
member_dig +edns=1 +noednsneg www.test.example A | grep_quiet "status: BADVERS" ||
  fail "an EDNS version 1 query did not get BADVERS"

log "malformed packets change nothing"
ip netns exec "$MEM_NS" bash -c 'printf "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c" >/dev/udp/10.77.0.1/53; printf "x" >/dev/udp/10.77.0.1/53'
[ "$(member_dig +short www.test.example A)" = 192.0.2.10 ] || fail "the resolver stopped answering after garbage"

log "sources outside the tunnel get nothing, over UDP or TCP"
ip netns exec "$GW_NS" dig +time=1 +tries=1 -b "$GW_OUTER" @10.77.0.1 www.test.example A >"$WORK/outside.out" 2>&1 &&
  fail "an outside source got an answer over UDP"
ip netns exec "$GW_NS" dig +tcp +time=1 +tries=1 -b "$GW_OUTER" @10.77.0.1 www.test.example A >"$WORK/outside.out" 2>&1 &&
  fail "an outside source got an answer over TCP"

log "privacy: many distinctive names, none in anything picketd wrote"
SECRETS=()
for i in $(seq 150); do
  name="sekrit$RANDOM$i"
  SECRETS+=("$name")
  member_dig +short "$name.test.example" A >/dev/null
  member_dig +short "$name.alice.picket.internal" AAAA >/dev/null
done
picket dns show >/dev/null
sync
for name in "${SECRETS[@]}" phone.alice test.example; do
  if grep -rqaF -- "$name" "$WORK/state" "$WORK/picketd.log"; then fail "'$name' reached picketd's output or state"; fi
done
# The database holds device addresses by design; the log never does.
for address in 10.77.0.2 fd77:77::2; do
  if grep -qaF -- "$address" "$WORK/picketd.log"; then fail "a member address reached picketd's output"; fi
done

log "DNS-over-TLS: refused up front where libunbound cannot do it, and nothing changes"
BEFORE=$(picket --json dns show | jq -c 'del(.counters)')
if [ "$(echo "$BEFORE" | jq .tls_available)" = false ]; then
  OUT=$(picket dns set --upstream tls --server 127.0.0.1@853#dns.test.example 2>&1) &&
    fail "upstream tls was accepted by a libunbound that cannot open TLS"
  echo "$OUT" | grep_quiet "DNS-over-TLS is not available on this host.*Use upstream recursive" ||
    fail "the tls refusal does not say why and what to use instead: $OUT"
  [ "$(picket --json dns show | jq -c 'del(.counters)')" = "$BEFORE" ] || fail "a refused tls upstream changed the settings"
  [ "$(member_dig +short www.test.example A)" = 192.0.2.10 ] || fail "a refused tls upstream broke forwarding"
  # Stored by an older Picket: picketd starts, asks no one (never plaintext
  # instead), still answers device names, says why in its log, and takes a
  # new upstream from the admin.
  stop_picketd
  sqlite3 "$WORK/state/picket.db" "UPDATE dns_settings SET upstream = 'tls', servers = '127.0.0.1@5353#dns.test.example'"
  start_picketd
  member_reaches_gateway 30 || fail "the member did not reach the restarted gateway"
  grep -q "DNS resolver: only device names answer.*DNS-over-TLS is not available" "$WORK/picketd.log" ||
    fail "a stored tls upstream it cannot use is not named in picketd's log"
  [ "$(member_dig +short phone.alice.picket.internal A)" = 10.77.0.2 ] || fail "a stored tls upstream broke local names"
  member_dig www.test.example A 2>&1 | grep_quiet 192.0.2.10 &&
    fail "a stored tls upstream fell back to forwarding in plaintext"
  picket dns set --upstream plain --server 127.0.0.1@5353 >/dev/null
  [ "$(member_dig +short www.test.example A)" = 192.0.2.10 ] || fail "a new upstream did not replace the stored tls one"
  OUT=$(ip netns exec "$GW_NS" "$PICKETD" --state-dir "$WORK/state-tls" --socket "$WORK/tls.sock" \
    --interface "${GW_IF}t" --endpoint "$GW_OUTER:51821" --ipv4-subnet 10.78.0.0/24 \
    --ipv6-subnet fd78:78::/64 --dns-upstream tls \
    --dns-server 127.0.0.1@853#dns.test.example 2>&1) && fail "picketd started with --dns-upstream tls"
  echo "$OUT" | grep_quiet -- "--dns-upstream tls: DNS-over-TLS is not available" ||
    fail "picketd's refusal of --dns-upstream tls does not say why: $OUT"
  ip -n "$GW_NS" link show "${GW_IF}t" >/dev/null 2>&1 && fail "a refused start left its interface"
else
  picket dns set --upstream tls --server 127.0.0.1@853#dns.test.example >/dev/null ||
    fail "upstream tls was refused though this libunbound can do TLS"
  picket dns set --upstream plain --server 127.0.0.1@5353 >/dev/null
fi

log "SERVFAIL when the upstream is broken"
member_dig +time=8 name.broken.example A | grep_quiet "status: SERVFAIL" || fail "no SERVFAIL from a refusing upstream"
picket dns set --server 127.0.0.1@9 >/dev/null
[ "$(member_dig +short phone.alice.picket.internal A)" = 10.77.0.2 ] || fail "local names need no upstream"

stop_picketd
cat "$WORK/picketd.log"
log "dns resolver: all checks passed"
