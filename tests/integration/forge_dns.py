#!/usr/bin/env python3
"""DNS queries with a forged source address, sent through a raw socket (the
IP header is ours, so the kernel takes any source). For the tests that check
that a packet claiming a member's tunnel address from outside the tunnel
gets nothing, and that a member's listener never sees a reflected answer.

  forge_dns.py send SRC SPORT DST NAME [COUNT]   send COUNT queries (default 3)
  forge_dns.py listen ADDR PORT SECONDS          print "received" and exit 0 when
                                                 any datagram reaches ADDR:PORT
                                                 within SECONDS, else exit 1
  forge_dns.py flood SERVER SUFFIX COUNT         COUNT queries (an ordinary socket, the
                                                 real source) for random names under
                                                 SUFFIX, sent at once; answers unread
"""
import ipaddress
import random
import socket
import struct
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def dns_query(name: str) -> bytes:
    header = struct.pack("!HHHHHH", random.randrange(65536), 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.strip(".").split("."))
    return header + labels + b"\0" + struct.pack("!HH", 1, 1)


def udp_segment(src, dst, sport: int, dport: int, payload: bytes) -> bytes:
    length = 8 + len(payload)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    else:
        pseudo = src.packed + dst.packed + struct.pack("!I3xB", length, socket.IPPROTO_UDP)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    csum = checksum(pseudo + header + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, csum) + payload


def send(src_text: str, sport: int, dst_text: str, name: str, count: int) -> None:
    src, dst = ipaddress.ip_address(src_text), ipaddress.ip_address(dst_text)
    segment = udp_segment(src, dst, sport, 53, dns_query(name))
    if src.version == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(segment), random.randrange(65536), 0,
                         64, socket.IPPROTO_UDP, 0, src.packed, dst.packed)
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        target = (dst_text, 0)
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(segment), socket.IPPROTO_UDP, 64, src.packed,
                         dst.packed)
        # IPPROTO_RAW on IPv6 means the header is ours too (Linux 4.5 and later).
        sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        target = (dst_text, 0, 0, 0)
    with sock:
        for _ in range(count):
            sock.sendto(ip + segment, target)
            time.sleep(0.2)


def listen(addr: str, port: int, seconds: float) -> int:
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind((addr, port))
        sock.settimeout(seconds)
        try:
            sock.recvfrom(4096)
        except socket.timeout:
            return 1
    print("received", flush=True)
    return 0


def flood(server: str, suffix: str, count: int) -> None:
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        for _ in range(count):
            label = "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
            sock.sendto(dns_query(f"{label}.{suffix}"), (server, 53))


def main() -> int:
    if len(sys.argv) >= 6 and sys.argv[1] == "send":
        count = int(sys.argv[6]) if len(sys.argv) > 6 else 3
        send(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], count)
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "listen":
        return listen(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    if len(sys.argv) == 5 and sys.argv[1] == "flood":
        flood(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
