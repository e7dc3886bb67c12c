"""A fixed-window counter in the shared cache (the database cache in production: every web process and
the worker see the same counts)."""
from __future__ import annotations

from django.core.cache import cache


def client_address(request) -> str:
    # Behind our reverse proxy, common.proxy.ProxiedClientAddressMiddleware has put the client's address here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(scope: str, who: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt; False once ``who`` made more than ``limit`` in the current window of ``seconds``."""
    key = f"ratelimit:{scope}:{who}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
