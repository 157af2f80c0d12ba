"""Outbound URLs people type must not reach the server's own network."""

from typing import Any

import pytest

from core.network_targets import RefusedTarget, post_json, target_refusal


@pytest.fixture(autouse=True)
def _private_targets_refused(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = False
    settings.DEBUG = False


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.5/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fc00::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://localhost/hook",
    ],
)
def test_private_loopback_and_link_local_targets_are_refused(url: str) -> None:
    assert target_refusal(url)


def test_a_public_address_is_allowed() -> None:
    assert target_refusal("https://93.184.215.14/services/T000/B000/xyz") is None


@pytest.mark.parametrize(
    "url", ["ftp://93.184.215.14/x", "file:///etc/passwd", "https:///nohost", "not a url"]
)
def test_urls_that_are_not_http_with_a_host_are_refused(url: str) -> None:
    assert target_refusal(url)


def test_plain_http_is_refused_outside_debug() -> None:
    assert target_refusal("http://93.184.215.14/hook")


def test_plain_http_is_allowed_in_debug(settings: Any) -> None:
    settings.DEBUG = True

    assert target_refusal("http://93.184.215.14/hook") is None


def test_the_setting_allows_private_targets(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = True

    assert target_refusal("http://127.0.0.1:8000/hook") is None
    assert target_refusal("ftp://127.0.0.1/hook")


def test_post_json_checks_the_target_again_before_sending() -> None:
    with pytest.raises(RefusedTarget):
        post_json("https://localhost/hook", {"text": "hi"})
