#!/usr/bin/env bash
# The state directory on a small tmpfs that fills up: adds fail with a clear
# error and change nothing (database and interface alike), the database
# stays intact, reads keep working, and once space returns adds work again
# and survive a restart. Usage: disk_full.sh BUILD_DIR
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/ledger.sh"

# lib.sh's cleanup removes $WORK: the tmpfs must go first, after picketd.
trap 'status=$?; set +e
  [ -n "$PICKETD_PID" ] && kill -9 "$PICKETD_PID" 2>/dev/null && wait "$PICKETD_PID" 2>/dev/null
  PICKETD_PID=""
  mountpoint -q "$WORK/state" && umount "$WORK/state"
  (exit $status); cleanup' EXIT

# No drift repair during the test: what a refused change leaves behind must
# already be right, not repaired a second later.
export DRIFT=3600
setup_network
mkdir -m 0700 "$WORK/state"
# 8 MiB: room for the database, its WAL (up to ~4 MiB before a checkpoint)
# and the gateway key, then a filler takes the rest.
mount -t tmpfs -o size=8m,mode=0700 picket-test-state "$WORK/state"
start_picketd_drift --dns-rate-limit 0
picket member add alice >/dev/null
for i in $(seq 5); do picket device add alice "before$i" --no-qr >/dev/null; done

log "fill the disk"
dd if=/dev/zero of="$WORK/state/filler" bs=4k status=none 2>/dev/null || true
[ "$(df --output=avail "$WORK/state" | tail -n1)" -lt 8 ] || fail "the tmpfs is not full"

log "adds fail with a clear error and change nothing"
# SQLite may still have room in WAL pages it already owns: keep adding
# until one is refused (each acknowledged one is kept in the ledger).
refused=""
for i in $(seq 500); do
  key=$(wg genkey | wg pubkey)
  # Restricted and in a group, so a refused add could leave firewall elements too.
  if picket device add alice "full$i" --pubkey "$key" --no-qr --restrict 192.0.2.0/24 --group g \
    >/dev/null 2>"$WORK/add.err"; then
    LEDGER[alice/full$i]=$key
  else
    refused="full$i"
    break
  fi
done
[ -n "$refused" ] || fail "500 adds on a full disk all succeeded"
cat "$WORK/add.err"
grep -qi "disk\|space\|full" "$WORK/add.err" || fail "the error does not say the disk is full: $(cat "$WORK/add.err")"
kill -0 "$PICKETD_PID" || fail "picketd died on the full disk"
for d in $(seq 5); do LEDGER[alice/before$d]=$(picket --json device show alice "before$d" | jq -r .public_key); done
# The refused device must not resolve or keep firewall elements either.
REVOKED+=("alice/$refused")
check_all
picket --json device show alice "$refused" >/dev/null 2>&1 && fail "the refused device is in the database"
echo "   $(( ${#LEDGER[@]} - 5 )) adds fitted, then: $(head -n1 "$WORK/add.err")"

log "revoke on a full disk: refused cleanly or done, never half"
if picket device revoke alice before1 >/dev/null 2>"$WORK/revoke.err"; then
  unset "LEDGER[alice/before1]"
  echo "   the revoke fitted"
else
  echo "   refused: $(head -n1 "$WORK/revoke.err")"
fi
check_all

log "space returns: adds work again and survive a restart"
rm -f "$WORK/state/filler"
key=$(wg genkey | wg pubkey)
picket device add alice after --pubkey "$key" --no-qr >/dev/null || fail "add after space returned failed"
LEDGER[alice/after]=$key
check_all
stop_picketd
start_picketd_drift --dns-rate-limit 0
check_all
log "disk full: clear error, no corruption, recovery once space returned"
