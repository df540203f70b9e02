# shellcheck shell=bash
# Helpers for the seizure tests (wipe, backup, privacy): searching every
# file under a directory for secrets, as text and as raw bytes. Source it
# after lib.sh.

# A file's bytes as one line of hex, " 61 62 ...", so a needle can be
# searched with grep whatever bytes surround it; the space before each byte
# keeps matches on byte boundaries (without it a needle could also match
# half a byte off, doubling the odds of a chance hit in ciphertext).
hex_of_file() { od -An -v -tx1 "$1" | tr -d '\n'; }

# NEEDLE is text:STRING (searched as its bytes) or b64:BASE64 (searched as
# the decoded raw bytes, e.g. a preshared key stored as a BLOB).
needle_hex() {
  case $1 in
    text:*) printf '%s' "${1#text:}" | od -An -v -tx1 | tr -d '\n' ;;
    b64:*) printf '%s' "${1#b64:}" | base64 -d | od -An -v -tx1 | tr -d '\n' ;;
    *) fail "bad needle kind" ;;
  esac
}

# found_in DIR NEEDLE...: prints one line per needle found (its position in
# the list and the file, never the secret itself); succeeds when any was
# found.
found_in() {
  local dir=$1
  shift
  local hex="$WORK/scan.hex" found=1 file i needle
  while IFS= read -r -d '' file; do
    hex_of_file "$file" >"$hex"
    i=0
    for needle in "$@"; do
      i=$((i + 1))
      if grep -qF -- "$(needle_hex "$needle")" "$hex"; then
        echo "needle $i (${needle%%:*}) found in ${file#"$dir"/}"
        found=0
      fi
    done
  done < <(find "$dir" -type f -print0)
  rm -f "$hex"
  return $found
}

# The member-identifying values picketd holds, as needles: labels, tunnel
# addresses, device public keys (text and raw) and preshared keys (raw, from
# the client configs given as arguments).
member_needles() {
  local conf key psk
  picket --json device list >"$WORK/devices.json"
  for key in $(sed -n 's/.*"public_key": "\(.*\)".*/\1/p' "$WORK/devices.json"); do
    echo "text:$key"
    echo "b64:$key"
  done
  for conf in "$@"; do
    psk=$(sed -n 's/^PresharedKey = //p' "$conf")
    [ -n "$psk" ] && echo "b64:$psk"
  done
  sed -n 's/.*"\(label\|member\)": "\(.*\)".*/text:\2/p' "$WORK/devices.json" | sort -u
  sed -n 's/.*"\(ipv4\|ipv6\)": "\(.*\)".*/text:\2/p' "$WORK/devices.json"
}

# The gateway saw a handshake from the peer with public key $1.
gateway_handshook_with() {
  ip netns exec "$GW_NS" wg show "$GW_IF" latest-handshakes | awk -v key="$1" '$1 == key && $2 > 0 { ok = 1 } END { exit !ok }'
}

# After a wipe picketd stops by itself; it must exit 0 (systemd then does not
# restart it, and under the sanitizers a leak would not).
picketd_exits_cleanly() {
  local status=0
  wait "$PICKETD_PID" || status=$?
  PICKETD_PID=""
  [ $status -eq 0 ] || fail "picketd exited with status $status after the wipe"
}

# The fleet the seizure tests start from: alice with a phone and a laptop,
# bob with a tablet; each config in $WORK/<device>.conf. Arguments go to
# alice's `member add` (e.g. --note TEXT).
add_alice_and_bob() {
  picket member add alice "$@" >/dev/null
  picket member add bob >/dev/null
  picket device add alice phone --conf "$WORK/phone.conf" --no-qr >/dev/null
  picket device add alice laptop --conf "$WORK/laptop.conf" --no-qr >/dev/null
  picket device add bob tablet --conf "$WORK/tablet.conf" --no-qr >/dev/null
}
