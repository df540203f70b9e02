#!/usr/bin/env bash
# How long the seizure actions take with N devices on wireguard-go (the
# tunnel subnet is a /24, so N <= 250): picket backup (Argon2id, 3 passes
# over 256 MiB, dominates), the panic wipe until picketd has exited, picket
# restore into a new state directory, and picketd's start on it until the
# socket answers with every peer on the interface. Root; reuses the
# integration harness. Usage: bench/seizure_timing.sh BUILD_DIR [N]
N=${2:-200}
source "$(dirname "$0")/../tests/integration/lib.sh"
source "$(dirname "$0")/../tests/integration/seizure_lib.sh"
PASSPHRASE="correct horse battery staple 9"
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.3f\n", a - b }'; }

setup_network
start_picketd
picket member add m >/dev/null
for i in $(seq "$N"); do
  key=$(wg genkey | wg pubkey)
  curl -s --unix-socket "$WORK/picket.sock" -X POST -H 'Content-Type: application/json' \
    -d "{\"label\":\"d$i\",\"public_key\":\"$key\"}" http://picketd/api/v1/members/m/devices >/dev/null
done
[ "$(gateway_peers | wc -l)" = "$N" ] || fail "expected $N peers"
echo "state: $(du -cb "$WORK"/state/* | tail -1 | cut -f1) bytes in $(ls "$WORK/state" | tr '\n' ' ')"

t=$(now)
printf '%s\n' "$PASSPHRASE" | picket backup "$WORK/b.pkb" --state-dir "$WORK/state" --passphrase-stdin >/dev/null
echo "backup:  $(since "$t") s, file $(stat -c %s "$WORK/b.pkb") bytes"
t=$(now)
echo "wipe everything" | picket wipe >/dev/null
wait "$PICKETD_PID"
PICKETD_PID=""
echo "wipe:    $(since "$t") s until picketd exited (1 s of it lets the answer leave)"
t=$(now)
printf '%s\n' "$PASSPHRASE" | picket restore "$WORK/b.pkb" --state-dir "$WORK/restored" --passphrase-stdin >/dev/null
echo "restore: $(since "$t") s"
t=$(now)
start_picketd_in "$WORK/restored"
echo "start:   $(since "$t") s until the socket answers; $(gateway_peers | wc -l) peers"
stop_picketd
