#!/usr/bin/env bash
# kill -9 picketd at random points while a stream of adds, revokes and
# reissues runs against it (and now and then while it starts up); after every
# restart the invariant holds (check_invariant.sh), PRAGMA integrity_check
# says ok, and no acknowledged change is lost (acknowledged: the API call
# the CLI would make answered 2xx).
# Usage: crash_restart.sh BUILD_DIR [KILLS]
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/ledger.sh"
TARGET_KILLS=${2:-200}
DAEMON_ARGS=(--dns-rate-limit 0 --api-port 0)

# One stream of changes until picketd stops answering. Writes "begin OP
# NAME [KEY]" before and "ack OP NAME [KEY]" after each successful command;
# the keys come from KEY_POOL starting at $2. Picks targets among the
# devices it knows (the ledger at its start plus its own adds). A stream
# never runs past the pool: when the keys run out it stops changing and
# waits to be killed (a fast machine or a long cycle can take hundreds).
run_stream() {
  local journal=$1 key_index=$2 cycle=$3 i=0 op name key member label
  local -a present=("${!LEDGER[@]}")
  while :; do
    if [ "$key_index" -ge "${#KEY_POOL[@]}" ]; then
      echo "the stream used up its ${#KEY_POOL[@]} keys; it stops until the next cycle" >>"$WORK/stream.err"
      return 0
    fi
    local r=$((RANDOM % 100)) extra=""
    if [ ${#present[@]} -lt 8 ] || { [ $r -lt 45 ] && [ ${#present[@]} -lt 60 ]; }; then
      op=add
      name="m$((RANDOM % 4))/d$cycle-$i"
      key=${KEY_POOL[$key_index]}
      key_index=$((key_index + 1))
      # Some devices carry firewall elements or an expiry soon, so crashes
      # also hit the firewall sets and the expiry timer.
      case $((RANDOM % 10)) in
        0) extra=',"restricted_to":["192.0.2.0/24","198.51.100.7/32","2001:db8::/48"],"group":"g'$((RANDOM % 2))'"' ;;
        1) extra=',"group":"g'$((RANDOM % 2))'"' ;;
        2) extra=',"expires_at":'$(($(date +%s) + 2 + RANDOM % 3)) ;;
      esac
    else
      name=${present[$((RANDOM % ${#present[@]}))]}
      if [ $r -lt 75 ]; then
        op=revoke key=""
      else
        op=reissue key=${KEY_POOL[$key_index]}
        key_index=$((key_index + 1))
      fi
    fi
    member=${name%/*} label=${name#*/}
    echo "begin $op $name $key" >>"$journal"
    case $op in
      add) api POST "/members/$member/devices" '{"label":"'"$label"'","public_key":"'"$key"'"'"$extra"'}' ;;
      reissue) api POST "/members/$member/devices/$label/reissue" '{"public_key":"'"$key"'"}' ;;
      revoke) api DELETE "/members/$member/devices/$label" ;;
    esac >/dev/null 2>>"$WORK/stream.err" || return 0
    echo "ack $op $name $key" >>"$journal"
    case $op in
      add) present+=("$name") ;;
      revoke)
        local kept=() p
        for p in "${present[@]}"; do [ "$p" = "$name" ] || kept+=("$p"); done
        present=("${kept[@]}")
        ;;
    esac
    i=$((i + 1))
  done
}

# Applies a cycle's journal to the ledger; prints the in-flight change.
apply_journal() {
  local journal=$1 word op name key last=""
  while read -r word op name key; do
    case $word in
      begin)
        last="$op $name $key"
        [ "$op" = revoke ] || KEY_NEXT=$((KEY_NEXT + 1))
        ;;
      ack)
        last=""
        case $op in
          add | reissue) LEDGER[$name]=$key ;;
          revoke) unset "LEDGER[$name]"; REVOKED+=("$name") ;;
        esac
        ;;
    esac
  done <"$journal"
  IN_FLIGHT=$last
}

kill_picketd() {
  kill -9 "$PICKETD_PID" 2>/dev/null || true
  wait "$PICKETD_PID" 2>/dev/null || true
  PICKETD_PID=""
  KILLS=$((KILLS + 1))
}

setup_network
start_picketd_drift "${DAEMON_ARGS[@]}"
for m in m0 m1 m2 m3; do api POST /members '{"label":"'"$m"'"}' >/dev/null; done
# Headroom per cycle: at most a few hundred changes fit in the 0-2 s before
# a kill here; the stream stops at the pool's end, never fails on it.
KEY_HEADROOM=1000
make_keys $((TARGET_KILLS * 12 + KEY_HEADROOM))
log "$TARGET_KILLS kill -9 of picketd during changes"
cycle=0
while [ "$KILLS" -lt "$TARGET_KILLS" ]; do
  cycle=$((cycle + 1))
  journal="$WORK/journal.$cycle"
  : >"$journal"
  [ "$((KEY_NEXT + KEY_HEADROOM))" -lt "${#KEY_POOL[@]}" ] || make_keys "$KEY_HEADROOM"
  run_stream "$journal" "$KEY_NEXT" "$cycle" &
  stream=$!
  # Anywhere from before the first command reaches picketd to several changes in.
  sleep "$((RANDOM % 2)).$(printf '%03d' $((RANDOM % 1000)))"
  kill_picketd
  wait "$stream"
  apply_journal "$journal"
  in_flight=()
  if [ -n "$IN_FLIGHT" ]; then in_flight=("$IN_FLIGHT"); fi
  # Every fifth cycle also dies during start-up (adoption of the interface,
  # the first reconcile, the firewall table, the resolver).
  if [ $((cycle % 5)) -eq 0 ] && [ "$KILLS" -lt "$TARGET_KILLS" ]; then
    ip netns exec "$GW_NS" "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/picket.sock" \
      --interface "$GW_IF" --endpoint "$GW_OUTER:51820" --drift-interval 1 "${DAEMON_ARGS[@]}" \
      >>"$WORK/picketd.log" 2>&1 &
    PICKETD_PID=$!
    sleep "0.$(printf '%03d' $((RANDOM % 400)))"
    kill_picketd
  fi
  start_picketd_drift "${DAEMON_ARGS[@]}"
  check_all "${in_flight[@]}"
  if [ $((cycle % 20)) -eq 0 ]; then log "$KILLS kills, ${#LEDGER[@]} devices, $(grep -c '^ack' "$WORK"/journal.* | awk -F: '{s += $2} END {print s}') acknowledged changes so far"; fi
done
ACKED=$(cat "$WORK"/journal.* | grep -c '^ack' || true)
# Some kills land before a change is answered; most cycles must get some in.
[ "$ACKED" -ge $((TARGET_KILLS / 2)) ] || fail "only $ACKED changes were acknowledged: the stream did not run"
log "crash/restart: $KILLS kills survived, $CHECKS checks, 0 invariant violations, $ACKED acknowledged changes, none lost"
