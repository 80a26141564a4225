"""A statsd server on 127.0.0.1 for the metrics test: it keeps every line the
wikis send over UDP (MediaWiki's StatsFactory, $wgStatsFormat = 'dogstatsd')."""

import socket
import threading


class StatsListener:
    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.2)
        self.lines = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self.receive, daemon=True)
        self.thread.start()

    def receive(self):
        while self.running:
            try:
                data = self.sock.recv(65535)
            except socket.timeout:
                continue
            with self.lock:
                self.lines += data.decode(errors="replace").splitlines()

    def seen(self, start=0):
        with self.lock:
            return list(self.lines[start:])

    def mark(self):
        with self.lock:
            return len(self.lines)

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def parse(line):
    """("name", value, "type", {label: value}) of one dogstatsd line."""
    head, _, tags = line.partition("|#")
    name_value, _, kind = head.partition("|")
    name, _, value = name_value.partition(":")
    labels = dict(tag.split(":", 1) for tag in tags.split(",") if ":" in tag)
    return name, float(value), kind.split("|")[0], labels
