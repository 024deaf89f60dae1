#!/usr/bin/env python3
"""Slow and idle clients against a running `tongdang-server serve --insecure` on loopback, and how long a
station's hello takes meanwhile (docs/security.md, finding 4). Not a test: the measurement behind docs/design.md
"HTTP listener". The test is tests/cli/cli_listener_test.cc.

    scripts/slow-clients.py PORT TOKEN [--slow 50] [--idle 200] [--seconds 20]

Opens IDLE connections that send nothing and SLOW ones that send a header a byte every 2 s (from 127.0.0.2-11),
then sends a hello every second on a fresh connection and prints how long each took (or that it timed out), and
finally how long the attackers' connections lasted.
"""
import argparse, json, socket, time

p = argparse.ArgumentParser()
p.add_argument("port", type=int)
p.add_argument("token")
p.add_argument("--slow", type=int, default=50)
p.add_argument("--idle", type=int, default=200)
p.add_argument("--seconds", type=float, default=20)
a = p.parse_args()

STATION = "0b6f5f4e-5d0c-4c3e-9a55-2f1f7f0f6a11"
HEADER = b"POST /v1/sync/hello HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + b"a" * 200 + b"\r\n\r\n"

def connect(i):
    s = socket.socket()
    s.bind((f"127.0.0.{2 + i % 10}", 0))
    s.connect(("127.0.0.1", a.port))
    s.setblocking(False)
    return s

attackers = [(connect(i), i < a.slow, time.monotonic()) for i in range(a.slow + a.idle)]
cut = {}
sent = 0
body = json.dumps({"station_id": STATION, "township": "320324102", "protocol": 1, "hlc": ""}).encode()
hello = (b"POST /v1/sync/hello HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
         b"Authorization: Bearer " + a.token.encode() + b"\r\nX-Tongdang-Station: " + STATION.encode() +
         b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
start = time.monotonic()
next_byte = start
times = []
while time.monotonic() - start < a.seconds:
    now = time.monotonic()
    if now >= next_byte:
        for s, slow, _ in attackers:
            if slow and s not in cut and sent < len(HEADER):
                try: s.send(HEADER[sent:sent + 1])
                except OSError: pass
        sent += 1
        next_byte += 2
    for s, slow, opened in attackers:
        if s in cut: continue
        try:
            if s.recv(4096) == b"": cut[s] = now - opened
        except BlockingIOError: pass
        except OSError: cut[s] = now - opened
    t0 = time.monotonic()
    h = socket.create_connection(("127.0.0.1", a.port))
    h.settimeout(max(0.1, a.seconds - (t0 - start)))
    try:
        h.sendall(hello)
        status = h.recv(64).split(b" ")[1].decode()
        times.append(time.monotonic() - t0)
        print(f"t={t0 - start:5.1f}s hello {status} in {1000 * (time.monotonic() - t0):7.1f} ms", flush=True)
    except (socket.timeout, IndexError, OSError) as e:
        print(f"t={t0 - start:5.1f}s hello: no answer ({e.__class__.__name__})", flush=True)
    h.close()
    time.sleep(max(0.0, 1 - (time.monotonic() - t0)))
slow_cut = sorted(v for (s, slow, _) in attackers if slow for v in [cut.get(s)] if v is not None)
idle_cut = sorted(v for (s, slow, _) in attackers if not slow for v in [cut.get(s)] if v is not None)
print(f"slow clients cut: {len(slow_cut)}/{a.slow}" + (f", after {slow_cut[0]:.1f}-{slow_cut[-1]:.1f} s" if slow_cut else ""))
print(f"idle clients cut: {len(idle_cut)}/{a.idle}" + (f", after {idle_cut[0]:.1f}-{idle_cut[-1]:.1f} s" if idle_cut else ""))
