"""The client's address behind the reverse proxy.

gunicorn reports the proxy's address (127.0.0.1) as REMOTE_ADDR for every request; the proxy appends the real
client's address to X-Forwarded-For. Without this, every per-address limit (sign-in, sign-up, password reset,
certificate checks) would count the whole country as one client. ``TRUSTED_PROXY_COUNT`` says how many proxies
of ours stand in front (each appends one address): the address that many places from the end is the client as
our outermost proxy saw it; anything further left was sent by the client and is not trusted.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings


def forwarded_client(forwarded_for: str, proxies: int) -> str | None:
    addresses = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if proxies <= 0 or len(addresses) < proxies:
        return None
    candidate = addresses[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ProxiedClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.proxies:
            client = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), self.proxies)
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
