#!/usr/bin/env python3
"""Slow HTTP clients for api_floods.sh (slowloris), bounded in count and time.

hold SOURCE PORT N READY_FILE SECONDS
    Opens N connections from SOURCE to 127.0.0.1:PORT, each sending half a
    request, and keeps N open for at most SECONDS by reopening any the
    server closes (at most 20 reopens per connection). Writes to READY_FILE
    how many of the first N the server had closed once it settled (every
    one closed, or all but a cap's worth still open for 3 s), then holds.

burst SOURCE PORT N
    Opens N connections from SOURCE, then sends one bogus login on each at
    once (each a username of its own), and prints each answer's status in
    the order the answers arrive.

body PORT
    Sends headers announcing a 100-byte body, then the body one byte per
    second; prints how many body bytes were sent before the server hung up.
"""
import select
import socket
import sys
import time

HALF = b"GET /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def connect(source, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(HALF)
    s.setblocking(False)
    return s


def closed(s):
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def hold(source, port, n, ready_file, seconds):
    deadline = time.time() + seconds
    socks = [connect(source, port) for _ in range(n)]
    # Settle: count how many of the first N the server closed, until that
    # count stops changing for 3 s (or 20 s pass).
    last, stable_since, settle_deadline = -1, time.time(), time.time() + 20
    while time.time() < settle_deadline:
        select.select(socks, [], [], 0.2)
        count = sum(1 for s in socks if closed(s))
        if count != last:
            last, stable_since = count, time.time()
        elif time.time() - stable_since >= 3:
            break
    with open(ready_file, "w") as f:
        f.write(f"{last}\n")
    reopens = [0] * n
    while time.time() < deadline:
        select.select(socks, [], [], 0.5)
        for i, s in enumerate(socks):
            if closed(s) and reopens[i] < 20:
                s.close()
                reopens[i] += 1
                try:
                    socks[i] = connect(source, port)
                except OSError:
                    pass


def burst(source, port, n):
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        socks.append(s)
    for i, s in enumerate(socks):
        data = ('{"username":"burst%d","password":"bogus-password-%d","totp":"000000"}' % (i, i)).encode()
        s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                  b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data))
    # Answers in the order they arrive.
    pending = {s: b"" for s in socks}
    deadline = time.time() + 180
    while pending and time.time() < deadline:
        readable, _, _ = select.select(list(pending), [], [], 1.0)
        for s in readable:
            chunk = s.recv(4096)
            if chunk:
                pending[s] += chunk
                continue
            answer = pending.pop(s)
            print(answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "000",
                  flush=True)
    for _ in pending:
        print("000")


def body(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n")
    sent = 0
    for _ in range(100):
        try:
            s.sendall(b" ")
        except OSError:
            break
        sent += 1
        r, _, _ = select.select([s], [], [], 1.0)
        if r and s.recv(1) == b"":
            break
    print(sent)


if __name__ == "__main__":
    if sys.argv[1] == "hold":
        hold(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6]))
    elif sys.argv[1] == "burst":
        burst(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        body(int(sys.argv[2]))
