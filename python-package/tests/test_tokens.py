"""Token lifecycle: ``token_expires_at``, the logged warning, ``refresh_token_if_needed`` swapping
the client's token and calling ``on_token_refresh`` once, and no secret in reprs or logs.

These tests move the sandbox's virtual clock, so they use their own sandbox, reset after each.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Iterator

import pytest
from support import request_count, sandbox_stats

import instagram_graph as ig

DAY = 24 * 3600


@pytest.fixture(scope="module")
def tsb() -> Iterator[ig.sandbox.Sandbox]:
    with ig.sandbox.start(media_count=5) as sandbox:
        yield sandbox


@pytest.fixture
def own(tsb: ig.sandbox.Sandbox) -> Iterator[ig.sandbox.Sandbox]:
    tsb.reset()
    yield tsb
    tsb.reset()


def refreshes(sb: ig.sandbox.Sandbox) -> int:
    by_endpoint = sandbox_stats(sb.url)["by_endpoint"]
    assert isinstance(by_endpoint, dict)
    return int(by_endpoint.get("GET /refresh_access_token", 0))


def secrets_of(sb: ig.sandbox.Sandbox, *more: str) -> list[str]:
    return [sb.access_token, sb.app_secret, sb.facebook_access_token, *more]


def assert_clean(text: str, secrets: list[str]) -> None:
    for s in secrets:
        assert s not in text, "a secret appears in: " + text[:200].replace(s, "<secret>")


# ---- token_expires_at ----------------------------------------------------------------------


def test_token_expires_at_takes_seconds_datetimes_dates_and_strings(
    own: ig.sandbox.Sandbox,
) -> None:
    at = 1_900_000_000
    cases: list[ig.TokenExpiry] = [
        at,
        float(at) + 0.7,
        dt.datetime.fromtimestamp(at, dt.timezone.utc),
        dt.datetime.fromtimestamp(at, dt.timezone.utc).replace(tzinfo=None),  # naive = UTC
        dt.datetime.fromtimestamp(at, dt.timezone(dt.timedelta(hours=5))),
    ]
    for value in cases:
        with ig.Client(own.access_token, base_url=own.url, token_expires_at=value) as c:
            assert c.token_expires_at == at, value
    midnight = int(dt.datetime(2030, 1, 31, tzinfo=dt.timezone.utc).timestamp())
    for day in (dt.date(2030, 1, 31), "2030-01-31"):
        with ig.Client(own.access_token, base_url=own.url, token_expires_at=day) as c:
            assert c.token_expires_at == midnight, day
    for unknown in (None, 0):
        with ig.Client(own.access_token, base_url=own.url, token_expires_at=unknown) as c:
            assert c.token_expires_at is None
            assert c.token_warning is None


@pytest.mark.parametrize("bad", [time.time() * 1000, True, [1], "soon", -5])
def test_bad_token_expires_at_names_the_option_not_the_token(
    own: ig.sandbox.Sandbox, bad: object
) -> None:
    with pytest.raises(ig.InvalidParamsError, match="token_expires_at") as info:
        ig.Client(own.access_token, base_url=own.url, token_expires_at=bad)  # type: ignore[arg-type]
    assert_clean(f"{info.value} {info.value!r}", secrets_of(own))


def test_bad_callback_and_ahead_are_invalid_params(own: ig.sandbox.Sandbox) -> None:
    with pytest.raises(ig.InvalidParamsError, match="on_token_refresh"):
        ig.Client(own.access_token, base_url=own.url, on_token_refresh="store it")  # type: ignore[arg-type]
    with ig.Client(own.access_token, base_url=own.url) as c:
        for bad in (-1, dt.timedelta(days=-1), float("nan")):
            with pytest.raises(ig.InvalidParamsError, match="ahead"):
                c.refresh_token_if_needed(bad)


# ---- the warning ---------------------------------------------------------------------------


def test_a_token_expiring_within_7_days_logs_a_warning_at_construction(
    own: ig.sandbox.Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="instagram_graph")
    with ig.Client(own.access_token, base_url=own.url, token_expires_at=time.time() + 30 * DAY):
        pass
    assert caplog.records == []
    client = ig.Client(
        own.access_token, base_url=own.url, token_expires_at=time.time() + 3 * DAY + 60
    )
    [record] = caplog.records
    assert record.name == "instagram_graph"
    assert record.levelno == logging.WARNING
    assert "access token expires in 3 days (" in record.getMessage()
    assert client.token_warning is not None
    assert client.token_warning in record.getMessage()
    assert_clean(caplog.text + repr(client), secrets_of(own))
    client.close()


def test_an_expired_token_is_a_warning_and_cannot_be_refreshed(own: ig.sandbox.Sandbox) -> None:
    with ig.Client(own.access_token, base_url=own.url, token_expires_at=time.time() - 60) as c:
        assert c.token_warning is not None
        assert "expired" in c.token_warning
        with pytest.raises(ig.AuthError, match="log in again") as info:
            c.refresh_token_if_needed()
        assert_clean(f"{info.value} {info.value!r}", secrets_of(own))


# ---- refresh -------------------------------------------------------------------------------


def test_refresh_swaps_the_token_and_calls_the_callback_once(
    own: ig.sandbox.Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="instagram_graph")
    got: list[ig.TokenInfo] = []
    client = ig.Client(
        own.access_token,
        base_url=own.url,
        token_expires_at=time.time() + 3 * DAY,
        on_token_refresh=got.append,
    )
    # Meta (and the sandbox) refresh a token only once it is 24 hours old.
    own.advance_clock(DAY + 60)
    before = refreshes(own)
    info = client.refresh_token_if_needed()
    assert info is not None
    assert refreshes(own) - before == 1
    assert got == [info], "the callback ran once, with the new token"
    assert info.access_token.startswith("IG")
    assert info.access_token != own.access_token
    assert info.token_type == "bearer"
    assert info.expires_in == 5_183_944
    assert info.expires_at == client.token_expires_at
    assert info.expires_at is not None
    assert info.expires_at > time.time() + 59 * DAY
    assert client.token_warning is None

    # Nothing due any more: no request, no callback.
    assert client.refresh_token_if_needed() is None
    assert refreshes(own) - before == 1
    assert len(got) == 1

    # The client now holds the new token: past the old token's 60 days only the new one works.
    own.advance_clock(60 * DAY - DAY)
    assert client.user.get(fields="username")["username"] == "sandbox.studio"
    with (
        ig.Client(own.access_token, base_url=own.url) as old,
        pytest.raises(ig.AuthError) as expired,
    ):
        old.user.get()
    # Neither token nor secret in what a user could print or log.
    shown = [repr(info), str(info), repr(got), repr(client), caplog.text]
    text = " ".join([*shown, str(expired.value), repr(expired.value)])
    assert_clean(text, secrets_of(own, info.access_token))
    assert "access_token=" not in repr(info)
    assert dataclasses.asdict(info)["access_token"] == info.access_token
    client.close()


def test_refresh_is_none_when_nothing_is_due(own: ig.sandbox.Sandbox) -> None:
    called: list[ig.TokenInfo] = []
    cases: list[ig.Client] = [
        ig.Client(own.access_token, base_url=own.url, on_token_refresh=called.append),
        ig.Client(
            own.access_token,
            base_url=own.url,
            token_expires_at=time.time() + 30 * DAY,
            on_token_refresh=called.append,
        ),
        ig.Client(
            own.facebook_access_token,
            login="facebook",
            base_url=own.url,
            token_expires_at=time.time() + 3 * DAY,
            on_token_refresh=called.append,
        ),
    ]
    before = request_count(own.url)
    for c in cases:
        assert c.refresh_token_if_needed() is None
        c.close()
    assert request_count(own.url) == before
    assert called == []


def test_a_refusal_raises_without_the_token_and_calls_nothing(
    own: ig.sandbox.Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="instagram_graph")
    called: list[ig.TokenInfo] = []
    # Due by its stated expiry, but the sandbox issued it moments ago: Meta refuses.
    with ig.Client(
        own.access_token,
        base_url=own.url,
        app_secret=own.app_secret,
        token_expires_at=time.time() + 3 * DAY,
        on_token_refresh=called.append,
    ) as c:
        with pytest.raises(ig.InstagramError, match="24 hours") as info:
            c.refresh_token_if_needed()
        assert called == []
        assert c.token_warning is not None
        assert_clean(
            f"{info.value} {info.value!r} {vars(info.value)} {caplog.text}", secrets_of(own)
        )


def test_a_callback_that_raises_is_logged_without_its_message(
    own: ig.sandbox.Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="instagram_graph")

    def store(t: ig.TokenInfo) -> None:
        raise RuntimeError(f"cannot store {t.access_token}")

    own.advance_clock(DAY + 60)
    with ig.Client(
        own.access_token,
        base_url=own.url,
        token_expires_at=time.time() + DAY,
        on_token_refresh=store,
    ) as c:
        info = c.refresh_token_if_needed()
        assert info is not None
        assert c.token_expires_at == info.expires_at
    assert "on_token_refresh callback raised RuntimeError" in caplog.text
    assert_clean(caplog.text, secrets_of(own, info.access_token))


def test_async_client_refresh_is_awaitable(own: ig.sandbox.Sandbox) -> None:
    got: list[ig.TokenInfo] = []

    async def main() -> ig.TokenInfo | None:
        async with ig.AsyncClient(
            own.access_token,
            base_url=own.url,
            token_expires_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2),
            on_token_refresh=got.append,
        ) as c:
            warning = c.token_warning
            pending = c.refresh_token_if_needed(dt.timedelta(days=7))
            assert asyncio.iscoroutine(pending)
            info = await pending
            assert warning is not None
            assert c.token_warning is None
            assert await c.refresh_token_if_needed(7 * DAY) is None
            me = await c.user.get(fields="username")
            assert me["username"] == "sandbox.studio"
            return info

    own.advance_clock(DAY + 60)
    info = asyncio.run(main())
    assert info is not None
    assert got == [info]
    assert "IG" not in repr(info)
