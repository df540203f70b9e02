#!/usr/bin/env bash
# Static checks of the deployment: the playbook's syntax, ansible-lint's
# production profile, and the units' systemd-analyze exposure (at most 2.0).
# `systemd-analyze verify` needs the installed binary: playbook_chroot.sh runs it.
set -euo pipefail
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$SOURCE_DIR/ansible"

for inventory in inventory.example.ini inventory.fleet.example.ini; do
  ANSIBLE_NOCOLOR=1 ansible-playbook --syntax-check -i "$inventory" site.yml >/dev/null ||
    fail "ansible-playbook --syntax-check -i $inventory"
done
# --offline: no collection installs; Debian's ansible-lint makes no other requests.
# tests/deploy/enrol.yml: the role's enrolment tasks alone, for playbook_chroot.sh.
ansible-lint --offline --nocolor --profile production site.yml roles/picket ../tests/deploy/enrol.yml ||
  fail "ansible-lint --profile production"

for unit in picketd picket-gateway; do
  report=$(systemd-analyze security --offline=true "$SOURCE_DIR/systemd/$unit.service" 2>&1) ||
    fail "systemd-analyze security $unit: $report"
  exposure=$(sed -n "s/.*Overall exposure level for $unit.service: \([0-9.]*\).*/\1/p" <<<"$report")
  [ -n "$exposure" ] || fail "no exposure figure for $unit: $report"
  echo "systemd-analyze security --offline=true $unit.service: exposure $exposure"
  systemd-analyze security --offline=true --threshold=20 "$SOURCE_DIR/systemd/$unit.service" >/dev/null ||
    fail "$unit.service: exposure $exposure is above 2.0"
done
echo PASS
