#!/usr/bin/env bash
# No member learns the roster from DNS. With members isolated, a device
# resolves (A, AAAA, PTR; UDP and TCP; over IPv4 and IPv6) its own member's
# device names and those of devices it may reach (same group, or every
# member when member-to-member is allowed), and nothing else: another
# member's name answers exactly like a name that does not exist, its
# address exactly like an unused one, and a sweep of the subnet's reverse
# names finds only its own. `picket dns set --open-directory true` opens the
# directory to every member. Usage: dns_directory.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

setup_network
# No upstream: the local zone answers everything asked here.
start_picketd --dns-upstream plain --dns-server 127.0.0.1@5399 --no-dns-dnssec
picket member add alice >/dev/null
picket member add bob >/dev/null
picket device add alice phone --no-qr --conf "$WORK/alice.conf" >/dev/null   # 10.77.0.2
picket device add alice laptop --no-qr --conf "$WORK/alice2.conf" >/dev/null # 10.77.0.3
picket device add bob laptop --no-qr --conf "$WORK/bob.conf" >/dev/null       # 10.77.0.4
picket device add bob tablet --no-qr >/dev/null                               # 10.77.0.5
client_up <"$WORK/alice.conf"
ip -n "$MEM_NS" route replace fd77:77::/64 dev "$MEM_IF"
member_reaches_gateway || fail "the member cannot reach the gateway"

ask() { ip netns exec "$MEM_NS" dig +time=2 +tries=2 @10.77.0.1 "$@"; }
short() { ask +short "$@"; }
status_of() { ask "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
# The whole answer but the message id: what tells two answers apart.
shape_of() { ask +noall +comments +authority +answer "$@" | sed 's/id: [0-9]*//; /Query time/d'; }
sees() {  # NAME ADDRESS: A and PTR both answer
  [ "$(short "$1.picket.internal" A)" = "$2" ] && [ "$(short -x "$2")" = "$1.picket.internal." ]
}
hidden() {  # NAME ADDRESS: exactly like a name and an address nobody has
  [ "$(status_of "$1.picket.internal" A)" = NXDOMAIN ] || return 1
  [ "$(shape_of -x "$2")" = "$(shape_of -x 10.77.0.200 | sed 's/200\.0\.77\.10/'"${2##*.}"'.0.77.10/')" ] || return 1
  [ "$(shape_of "$1.picket.internal" A)" = "$(shape_of nobody.nowhere.picket.internal A | sed "s/nobody\.nowhere/$1/")" ]
}
sweep() { for i in $(seq 1 12); do short -x "10.77.0.$i"; done | sort | tr '\n' ' '; }

log "alice's phone sees alice's devices, over UDP, TCP and IPv6"
sees phone.alice 10.77.0.2 || fail "alice does not see her own phone"
sees laptop.alice 10.77.0.3 || fail "alice does not see her own laptop"
[ "$(short +tcp laptop.alice.picket.internal A)" = 10.77.0.3 ] || fail "TCP: alice does not see her laptop"
[ "$(ip netns exec "$MEM_NS" dig +time=2 +tries=2 @fd77:77::1 +short laptop.alice.picket.internal AAAA)" = fd77:77::3 ] ||
  fail "IPv6: alice does not see her laptop"

log "isolated: bob's devices look like nothing at all"
hidden laptop.bob 10.77.0.4 || fail "alice sees bob's laptop (the member directory is open)"
hidden tablet.bob 10.77.0.5 || fail "alice sees bob's tablet"
[ "$(status_of bob.picket.internal A)" = NXDOMAIN ] || fail "bob's member name exists for alice"
[ "$(status_of alice.picket.internal A)" = NOERROR ] || fail "alice's own member name should exist for her"
[ -z "$(short +tcp laptop.bob.picket.internal A)" ] || fail "TCP: alice sees bob's laptop"
[ -z "$(ip netns exec "$MEM_NS" dig +time=2 +tries=2 @fd77:77::1 +short -x fd77:77::4)" ] || fail "IPv6: alice sees bob's PTR"
[ "$(sweep)" = "laptop.alice.picket.internal. phone.alice.picket.internal. " ] ||
  fail "a reverse sweep of the subnet from alice found: $(sweep)"

log "a shared group shows exactly the devices in it"
picket device access alice phone --group committee >/dev/null
picket device access bob laptop --group committee >/dev/null
sees laptop.bob 10.77.0.4 || fail "alice does not see bob's laptop in her group"
hidden tablet.bob 10.77.0.5 || fail "alice sees bob's tablet, which is not in her group"
picket device access bob laptop --no-group >/dev/null
hidden laptop.bob 10.77.0.4 || fail "alice still sees bob's laptop after it left the group"
picket device access alice phone --no-group >/dev/null

log "member-to-member allowed: every member may reach, so sees, every device"
picket firewall --member-to-member allow >/dev/null
sees tablet.bob 10.77.0.5 || fail "alice does not see bob's tablet with member-to-member allowed"
picket firewall --member-to-member deny >/dev/null
hidden tablet.bob 10.77.0.5 || fail "alice still sees bob's tablet after isolation came back"

log "the open directory is an explicit setting, off by default"
picket dns show | grep_quiet "Directory: *closed" || fail "picket dns show does not say the directory is closed"
picket dns set --open-directory true >/dev/null
picket dns show | grep_quiet "Directory: *open" || fail "picket dns show does not say the directory is open"
sees laptop.bob 10.77.0.4 || fail "the open directory does not show bob's laptop"
picket dns set --open-directory false >/dev/null
hidden laptop.bob 10.77.0.4 || fail "closing the directory did not hide bob's laptop"

log "bob, in his turn, sees his own devices and not alice's"
client_up <"$WORK/bob.conf"
client_rehandshake
member_reaches_gateway || fail "bob cannot reach the gateway"
sees tablet.bob 10.77.0.5 || fail "bob does not see his own tablet"
hidden phone.alice 10.77.0.2 || fail "bob sees alice's phone"
[ "$(sweep)" = "laptop.bob.picket.internal. tablet.bob.picket.internal. " ] ||
  fail "a reverse sweep of the subnet from bob found: $(sweep)"

log "the setting survives a restart"
picket dns set --open-directory true >/dev/null
stop_picketd
start_picketd
client_rehandshake
member_reaches_gateway || fail "bob cannot reach the restarted gateway"
sees phone.alice 10.77.0.2 || fail "the open directory did not survive a restart"
stop_picketd
log "dns directory: all checks passed"
