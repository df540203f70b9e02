#!/bin/sh
# Inside the VM: a gateway and a member namespace joined by a veth pair, both
# WireGuard ends set up by Picket's kernel backend. They handshake and ping;
# once the gateway removes the member's peer, the ping stops.
set -u
IP=/usr/sbin/iproute2-ip  # the real iproute2, not busybox's applet
TOOL=/opt/picket/picket_kernel_vm_tool
fail() { echo "netns_ping: $*"; exit 1; }

$IP netns add gw && $IP netns add member || fail "cannot create namespaces"
$IP link add veth-gw type veth peer name veth-m || fail "cannot create veth"
$IP link set veth-gw netns gw && $IP link set veth-m netns member || fail "cannot move veth"
$IP -n gw addr add 192.168.100.1/24 dev veth-gw
$IP -n member addr add 192.168.100.2/24 dev veth-m
for ns in gw member; do $IP -n $ns link set lo up; done
$IP -n gw link set veth-gw up && $IP -n member link set veth-m up || fail "cannot bring veth up"

umask 077
wg genkey >/tmp/gw.key && wg pubkey </tmp/gw.key >/tmp/gw.pub || fail "wg genkey"
wg genkey >/tmp/m.key && wg pubkey </tmp/m.key >/tmp/m.pub || fail "wg genkey"
gw_pub=$(cat /tmp/gw.pub)
m_pub=$(cat /tmp/m.pub)

$IP netns exec gw $TOOL configure wg0 /tmp/gw.key 51820 10.99.0.1/24 "$m_pub" 10.99.0.2/32 ||
  fail "configuring the gateway end"
$IP netns exec member $TOOL configure wg1 /tmp/m.key 51821 10.99.0.2/24 "$gw_pub" 10.99.0.0/24 ||
  fail "configuring the member end"
# Picket's peers are members that dial in, so it never sets an endpoint;
# the member end gets its one from wg, as the member's app would.
$IP netns exec member wg set wg1 peer "$gw_pub" endpoint 192.168.100.1:51820 || fail "wg set endpoint"

$IP netns exec member ping -c 3 -W 3 10.99.0.1 >/dev/null || fail "no ping through the tunnel"
$IP netns exec gw $TOOL handshake wg0 "$m_pub" || fail "the gateway reads no handshake"
echo "netns_ping: handshake and ping through kernel WireGuard"

$IP netns exec gw $TOOL remove-peer wg0 "$m_pub" || fail "removing the peer"
if $IP netns exec member ping -c 2 -W 1 10.99.0.1 >/dev/null; then
  fail "the member still reaches the gateway after its peer was removed"
fi
echo "netns_ping: removing the peer cut the traffic"
$IP netns del gw
$IP netns del member
exit 0
