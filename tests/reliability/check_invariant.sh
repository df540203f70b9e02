#!/usr/bin/env bash
# The invariant Picket promises: what the database wants is exactly what the
# gateway does. Compares the desired state in picket.db (enabled, unexpired
# devices: public key, preshared key, tunnel addresses, firewall access) with
#   - the WireGuard interface's peers (`wg show IF dump` in the namespace),
#   - the elements of the sets and maps in nftables table inet picket_IF,
#   - the resolver's local zone (A and AAAA of every device name),
# and prints every difference, one per line. Exit 0 when there is none, 1
# when there is, 2 when it could not look.
#
# Usage: check_invariant.sh --db FILE --interface IF [--netns NS]
#          [--dns-port PORT] [--no-dns] [--no-firewall] [--absent NAME]...
# --absent names devices that were revoked: their names must not resolve.
#
# The database is read through a snapshot (sqlite3 .backup, a read lock
# only), so picketd keeps running. Devices whose expiry falls within two
# seconds of the check are left out: picketd's expiry timer may or may not
# have fired yet, and either answer is right.
set -euo pipefail

DB="" IFACE="" NETNS="" DNS_PORT=53 CHECK_DNS=1 CHECK_FIREWALL=1
ABSENT=()
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=$2; shift 2 ;;
    --interface) IFACE=$2; shift 2 ;;
    --netns) NETNS=$2; shift 2 ;;
    --dns-port) DNS_PORT=$2; shift 2 ;;
    --no-dns) CHECK_DNS=0; shift ;;
    --no-firewall) CHECK_FIREWALL=0; shift ;;
    --absent) ABSENT+=("$2"); shift 2 ;;
    *) echo "check_invariant: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$DB" ] && [ -n "$IFACE" ] || { echo "check_invariant: --db and --interface are required" >&2; exit 2; }
[ -f "$DB" ] || { echo "check_invariant: no database at $DB" >&2; exit 2; }

in_ns() { if [ -n "$NETNS" ]; then ip netns exec "$NETNS" "$@"; else "$@"; fi; }

TMP=$(mktemp -d /tmp/picket-invariant.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
VIOLATIONS=0
violation() {
  echo "INVARIANT VIOLATED ($1): $2"
  VIOLATIONS=$((VIOLATIONS + 1))
}
report() {
  # Each line of stdin is one difference, prefixed with what was compared.
  local what=$1 line
  while IFS= read -r line; do
    echo "INVARIANT VIOLATED ($what): $line"
    VIOLATIONS=$((VIOLATIONS + 1))
  done
}
# Lines only in the first file are "missing", only in the second "unexpected".
compare() {
  local what=$1 want=$2 have=$3
  sort -u "$want" -o "$want"
  sort -u "$have" -o "$have"
  report "$what" < <(comm -23 "$want" "$have" | sed 's/^/missing: /'
                     comm -13 "$want" "$have" | sed 's/^/unexpected: /')
}

sqlite3 -readonly "$DB" ".backup '$TMP/db'" || { echo "check_invariant: cannot snapshot $DB" >&2; exit 2; }
NOW=$(date +%s)
q() { sqlite3 -batch -noheader -separator ' ' "$TMP/db" "$1"; }

ACTIVE="d.enabled = 1 AND (d.expires_at IS NULL OR d.expires_at > $NOW)"
UNSETTLED="(d.expires_at IS NOT NULL AND d.expires_at BETWEEN $((NOW - 2)) AND $((NOW + 2)))"
# Peers of unsettled devices are left out on both sides.
# One read for the settings and the unsettled devices (each sqlite3 run
# costs a process; the crash test runs this after every restart).
read -r WANT_PUB WANT_PORT SUBNET4 SUBNET6 ZONE < <(q "SELECT s.public_key, s.listen_port, s.ipv4_subnet,
  s.ipv6_subnet, coalesce((SELECT zone FROM dns_settings), 'picket.internal') FROM settings s")
q "SELECT d.public_key, d.ipv4, d.ipv6 FROM devices d WHERE $UNSETTLED" >"$TMP/unsettled"
cut -d' ' -f1 "$TMP/unsettled" >"$TMP/unsettled_keys"
cut -d' ' -f2,3 "$TMP/unsettled" | tr ' ' '\n' >"$TMP/unsettled_addrs"

# --- WireGuard peers -------------------------------------------------------
q "SELECT d.public_key, lower(hex(d.preshared_key)), d.ipv4 || '/32,' || d.ipv6 || '/128'
   FROM devices d WHERE $ACTIVE AND NOT $UNSETTLED" |
  awk '{ split($3, ips, ","); if (ips[1] > ips[2]) { t = ips[1]; ips[1] = ips[2]; ips[2] = t }
         print $1 " psk=" $2 " allowed-ips=" ips[1] "," ips[2] }' >"$TMP/want_peers"

if ! in_ns wg show "$IFACE" dump >"$TMP/dump" 2>"$TMP/dump.err"; then
  echo "INVARIANT VIOLATED (interface): wg show $IFACE fails: $(head -c 200 "$TMP/dump.err")"
  VIOLATIONS=$((VIOLATIONS + 1))
  : >"$TMP/dump"
else
  # Line 1 is the interface: private key, public key, port, fwmark.
  have_pub=$(head -n1 "$TMP/dump" | cut -f2)
  [ "$WANT_PUB" = "$have_pub" ] ||
    violation interface "the interface's public key is $have_pub, the database says $WANT_PUB"
  have_port=$(head -n1 "$TMP/dump" | cut -f3)
  [ "$WANT_PORT" = "$have_port" ] ||
    violation interface "the interface listens on $have_port, the database says $WANT_PORT"
  # The gateway's own tunnel addresses (host 1): the resolver and the API listen there.
  addresses=$(in_ns ip -o addr show dev "$IFACE" 2>/dev/null || true)
  for gw in "$SUBNET4" "$SUBNET6"; do
    prefix=${gw%/*}
    case "$prefix" in *:*) gw_addr="${prefix%::*}::1" ;; *) gw_addr="${prefix%.*}.$(( ${prefix##*.} + 1 ))" ;; esac
    [[ "$addresses" == *" $gw_addr/"* ]] ||
      violation interface "the gateway address $gw_addr is not on $IFACE"
  done
fi
# Peers: public key, PSK as hex ("(none)" when unset), allowed IPs sorted.
tail -n +2 "$TMP/dump" | awk -F'\t' '
  function b64hex(s,   i, c, v, bits, n, out) {
    if (s == "(none)") return "(none)"
    bits = 0; n = 0; out = ""
    for (i = 1; i <= length(s); i++) {
      c = index("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", substr(s, i, 1))
      if (c == 0) break
      v = v * 64 + (c - 1); bits += 6
      if (bits >= 8) { bits -= 8; out = out sprintf("%02x", int(v / 2 ^ bits)); v = v % (2 ^ bits) }
    }
    return out
  }
  { n = split($4, ips, ",")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && ips[j - 1] > ips[j]; j--) { t = ips[j]; ips[j] = ips[j - 1]; ips[j - 1] = t }
    joined = ""
    for (i = 1; i <= n; i++) joined = joined (i > 1 ? "," : "") ips[i]
    print $1 " psk=" b64hex($2) " allowed-ips=" joined }' |
  grep -vFf <(sed 's/$/ /' "$TMP/unsettled_keys"; echo "#none#") >"$TMP/have_peers" || true
compare "peers" "$TMP/want_peers" "$TMP/have_peers"

# --- nftables sets and maps ------------------------------------------------
if [ "$CHECK_FIREWALL" = 1 ]; then
  TABLE="picket_$IFACE"
  # Group names become chain numbers in the order picketd met them; the
  # names themselves are not in the ruleset, so groups are compared by who
  # shares a chain with whom: each element names the group's first address.
  q "SELECT d.ipv4, d.ipv6, coalesce(a.restricted_to, '-'), coalesce(a.access_group, ''),
            coalesce((SELECT min(d2.ipv4) FROM devices d2 JOIN device_access a2 ON a2.device_id = d2.id
                      WHERE a2.access_group = a.access_group AND d2.enabled = 1
                        AND (d2.expires_at IS NULL OR d2.expires_at > $NOW)), '')
     FROM devices d LEFT JOIN device_access a ON a.device_id = d.id
     WHERE $ACTIVE AND NOT $UNSETTLED AND (a.restricted_to IS NOT NULL OR a.access_group != '')" |
    awk '
      function host(c) { sub(/\/(32|128)$/, "", c); return c }
      { v4 = $1; v6 = $2; restricted = $3; group = $4; leader = $5
        if (restricted != "-") {
          print "restricted_v4 " v4; print "restricted_v6 " v6
          n = split(restricted, cidrs, ",")
          for (i = 1; i <= n; i++) {
            if (cidrs[i] == "") continue
            print (index(cidrs[i], ":") ? "reach_v6 " v6 : "reach_v4 " v4) " . " host(cidrs[i])
          }
        }
        if (group != "") {
          print "group_v4 " v4 " -> group of " leader
          print "group_v6 " v6 " -> group of " leader
          print "group set v4 " v4 " in group of " leader
          print "group set v6 " v6 " in group of " leader
        }
      }' >"$TMP/want_fw"
  if ! in_ns nft -j list table inet "$TABLE" >"$TMP/nft.json" 2>"$TMP/nft.err"; then
    violation firewall "nft list table inet $TABLE fails: $(head -c 200 "$TMP/nft.err")"
    : >"$TMP/have_fw"
  else
    # Every element of every set and map, rendered as nft prints it.
    jq -r '
      def r: if type == "string" then .
        elif type == "number" then tostring
        elif type == "array" then (.[0] | r) + " : " + (.[1] | r)
        elif has("concat") then (.concat | map(r) | join(" . "))
        elif has("prefix") then "\(.prefix.addr)/\(.prefix.len)"
        elif has("range") then "\(.range[0] | r)-\(.range[1] | r)"
        elif has("elem") then (.elem.val | r)
        elif has("jump") then "jump \(.jump.target)"
        else tojson end;
      .nftables[] | (.set // .map) // empty | .name as $n | (.elem // [])[] | "\($n) \(r)"' \
      "$TMP/nft.json" >"$TMP/raw_fw"
    # Group chains: a set group_N_v4 holds the members of chain group_N.
    # Rewrite both the maps and the sets to name the group by its lowest
    # IPv4 address, as the expectation does.
    awk '
      { lines[NR] = $0 }
      $1 ~ /^group_[0-9]+_v4$/ { chain = substr($1, 1, length($1) - 3)
                                 if (!(chain in leader) || $2 < leader[chain]) leader[chain] = $2 }
      END {
        for (i = 1; i <= NR; i++) {
          split(lines[i], f, " ")
          if (f[1] == "group_v4" || f[1] == "group_v6") {
            print f[1] " " f[2] " -> group of " (f[5] in leader ? leader[f[5]] : "unknown chain " f[5])
          } else if (f[1] ~ /^group_[0-9]+_v[46]$/) {
            chain = substr(f[1], 1, length(f[1]) - 3); fam = substr(f[1], length(f[1]) - 1)
            print "group set " fam " " f[2] " in group of " (chain in leader ? leader[chain] : "an empty group")
          } else print lines[i]
        }
      }' "$TMP/raw_fw" >"$TMP/have_fw"
  fi
  # Elements of unsettled devices are left out on both sides.
  if [ -s "$TMP/unsettled_addrs" ]; then
    grep -vwFf "$TMP/unsettled_addrs" "$TMP/have_fw" >"$TMP/have_fw.kept" || true
    mv "$TMP/have_fw.kept" "$TMP/have_fw"
  fi
  compare "firewall" "$TMP/want_fw" "$TMP/have_fw"
fi

# --- the resolver's local zone ---------------------------------------------
if [ "$CHECK_DNS" = 1 ]; then
  GW4=${SUBNET4%/*}
  GW4="${GW4%.*}.$(( ${GW4##*.} + 1 ))"
  # Active devices answer with their addresses; disabled or expired ones,
  # and the names given with --absent, do not resolve.
  q "SELECT d.label || '.' || m.label || '.$ZONE', d.ipv4, d.ipv6,
            CASE WHEN $ACTIVE THEN 1 ELSE 0 END
     FROM devices d JOIN members m ON m.id = d.member_id WHERE NOT $UNSETTLED" >"$TMP/names"
  for name in "${ABSENT[@]}"; do echo "$name - - 0"; done >>"$TMP/names"
  awk '$4 == 1 { print $1 ". A " $2; print $1 ". AAAA " $3 }' "$TMP/names" >"$TMP/want_dns"
  : >"$TMP/have_dns"
  # One probe first: a resolver that does not answer is one difference,
  # not a timeout per name.
  if ! in_ns dig -b "$GW4" -p "$DNS_PORT" "@$GW4" +tries=2 +time=2 +short "$ZONE" SOA >/dev/null 2>&1; then
    violation dns "the resolver on $GW4 port $DNS_PORT does not answer"
  elif [ -s "$TMP/names" ]; then
    # One dig for all names (the source is the gateway's tunnel address, so
    # the resolver treats it as a member).
    awk '{ print $1 " A"; print $1 " AAAA" }' "$TMP/names" | sort -u >"$TMP/queries"
    in_ns dig -b "$GW4" -p "$DNS_PORT" "@$GW4" +tries=2 +time=2 +noall +answer +comments -f "$TMP/queries" \
      >"$TMP/dig.out" 2>"$TMP/dig.err" || violation dns "dig fails: $(head -c 200 "$TMP/dig.err")"
    awk '$4 == "A" || $4 == "AAAA" { print tolower($1) " " $4 " " $5 }' "$TMP/dig.out" >"$TMP/have_dns"
    # Every query got an answer (NOERROR or NXDOMAIN), none timed out.
    answered=$(grep -c "^;; ->>HEADER<<-" "$TMP/dig.out" || true)
    [ "$answered" -eq "$(wc -l <"$TMP/queries")" ] ||
      violation dns "the resolver answered $answered of $(wc -l <"$TMP/queries") queries"
  fi
  tr 'A-Z' 'a-z' <"$TMP/want_dns" | sed 's/ a / A /; s/ aaaa / AAAA /' >"$TMP/want_dns.lc"
  compare "dns" "$TMP/want_dns.lc" "$TMP/have_dns"
fi

if [ "$VIOLATIONS" -gt 0 ]; then
  echo "check_invariant: $VIOLATIONS differences"
  exit 1
fi
echo "check_invariant: holds ($(wc -l <"$TMP/want_peers") peers$([ "$CHECK_FIREWALL" = 1 ] &&
  echo ", $(wc -l <"$TMP/want_fw") firewall elements")$([ "$CHECK_DNS" = 1 ] &&
  echo ", $(wc -l <"$TMP/want_dns") local DNS records"))"
