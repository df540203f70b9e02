# shellcheck shell=bash disable=SC2034  # its variables are for the scripts that source it
# Helpers for the tests that speak HTTP to the admin API from inside the
# gateway namespace. Source it after lib.sh.

command -v oathtool >/dev/null || fail "oathtool is missing (scripts/deps.sh --test installs it)"
command -v jq >/dev/null || fail "jq is missing (scripts/deps.sh --test installs it)"

API=http://127.0.0.1:8080
JAR="$WORK/cookies"

# http [curl args...]: curl inside the gateway namespace; prints the status
# and leaves the body in $WORK/body.
http() { ip netns exec "$GW_NS" curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
expect() { # expect STATUS DESCRIPTION curl-args...
  local want=$1 what=$2 got
  shift 2
  got=$(http "$@")
  [ "$got" = "$want" ] || { cat "$WORK/body"; echo; fail "$what: status $got instead of $want"; }
  echo "   $what -> $got $(head -c 160 "$WORK/body")"
}
