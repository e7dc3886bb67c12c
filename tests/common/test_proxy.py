"""The client's address behind our reverse proxy: per-address rate limits count each client, not the proxy."""
import pytest
from django.test import override_settings
from django.urls import reverse

from common.proxy import forwarded_client


@pytest.mark.parametrize(("header", "proxies", "expected"), [
    ("203.0.113.7", 1, "203.0.113.7"),
    ("198.51.100.1, 203.0.113.7", 1, "203.0.113.7"),  # the client wrote the first one itself: not trusted
    ("198.51.100.1, 203.0.113.7", 2, "198.51.100.1"),
    ("203.0.113.7", 2, None),  # fewer addresses than proxies: something is wrong, keep the socket's
    ("not-an-address", 1, None),
    ("", 1, None),
    ("2001:db8::1", 1, "2001:db8::1"),
    ("203.0.113.7", 0, None),
])
def test_forwarded_client(header, proxies, expected):
    assert forwarded_client(header, proxies) == expected


@pytest.mark.django_db
def test_two_clients_behind_the_proxy_do_not_share_a_rate_limit(client, settings):
    """The public certificate check allows so many look-ups per client: one client used them up, the next one
    (behind the same proxy, so the same socket address) still gets answers."""
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = (3, 60)
    url = reverse("certificates:verify", args=["ABCDEFGHJK"])
    with override_settings(TRUSTED_PROXY_COUNT=1):
        from django.test import Client

        first, second = Client(HTTP_X_FORWARDED_FOR="203.0.113.7"), Client(HTTP_X_FORWARDED_FOR="203.0.113.8")
        assert 429 not in [first.get(url).status_code for _ in range(3)]
        limited = first.get(url)
        assert limited.status_code == 429
        assert second.get(url).status_code != 429


@pytest.mark.django_db
def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = (3, 60)
    url = reverse("certificates:verify", args=["ABCDEFGHJK"])
    from django.test import Client

    for number in range(3):
        Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").get(url)
    # everyone is the same socket address: a forged header does not buy a fresh allowance
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.99").get(url).status_code == 429
