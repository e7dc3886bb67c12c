"""Loopback ports for the servers a test starts (moto's S3, gunicorn).

The OS picks a free one, unless TEST_PORTS="8200-8299" asks for one in a range (on a machine shared with others
who keep to their own ranges).
"""
from __future__ import annotations

import os
import socket


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    wanted = os.environ.get("TEST_PORTS", "").strip()
    if wanted:
        first, _, last = wanted.partition("-")
        for port in range(int(first), int(last or first) + 1):
            if _is_free(port):
                return port
        raise RuntimeError(f"no free port in TEST_PORTS={wanted}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
