#!/usr/bin/env bash
# The import rules of the tree, held by grep so that CI keeps them (ctest
# "lint: import rules"). Each rule prints the offending lines and fails.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
failed=0

# rule <what is forbidden> <extended regex> <paths...>
rule() {
  local why=$1 pattern=$2
  shift 2
  local hits
  hits=$(grep -rnE --include='*.cpp' --include='*.hpp' "$pattern" "$@" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "architecture: $why:" >&2
    echo "$hits" >&2
    failed=1
  fi
}

# Only GatewayNode writes the interface, the nft table and the DNS zone: the
# controller includes the node and plain value types, never the writers.
rule "outside gateway/, nothing reaches a WireGuard backend, libnftables or the resolver" \
  '#include [<"](picket/gateway/(backend|userspace_backend|kernel_backend|reconciler|firewall|dns/resolver|dns/engine|dns/upstream)\.hpp|nftables/|unbound\.h|netlink/)' \
  controller
rule "the domain knows no transport and wires nothing" \
  '#include "(api|daemon|cli)/' controller/src/domain controller/src/store
rule "the domain reaches the gateway through GatewayLink and value types only" \
  '#include "picket/gateway/(node|backend_selection|firewall_host|host_network)\.hpp"' \
  controller/src/domain controller/src/store
rule "storage knows no rules" '#include "domain/' controller/src/store
rule "routes, the CLI and state files do not reach into picketd's wiring" \
  '#include "daemon/' controller/src/api controller/src/cli controller/src/state \
  controller/src/auth controller/src/render controller/src/common controller/src/web \
  controller/bin/picket.cpp
rule "the gateway knows no members and speaks no HTTP" \
  '#include [<"](picket/controller/|controller/|domain/|api/|daemon/|store/)' gateway

[ "$failed" -eq 0 ] && echo "architecture: every import rule holds"
exit "$failed"
