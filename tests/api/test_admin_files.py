"""The admin SPA at /admin/: found wherever the platform is installed, and a clear page when unbuilt."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest

import membership
from membership.app import create_app
from membership.settings import Settings

CHECKOUT = Path(membership.__file__).resolve().parents[1]
BUILT_INDEX = CHECKOUT / "admin_spa" / "dist" / "index.html"

AdminClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory outside the checkout, with no admin location configured."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MEMBERSHIP_ADMIN_DIST", raising=False)
    return tmp_path


@pytest.fixture
def admin_client() -> AdminClient:
    """A fresh app made from the environment as it is now (as ``membership serve`` would make it).

    Serving files needs neither PostgreSQL nor Redis, so the app's services stay unstarted.
    """

    @asynccontextmanager
    async def make(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        settings = Settings().model_copy(update=overrides)
        transport = httpx.ASGITransport(app=create_app(settings, manage_database=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client

    return make


def built_index() -> str:
    assert BUILT_INDEX.exists(), (
        f"The admin SPA is not built ({BUILT_INDEX} is missing): run scripts/setup, "
        "or cd admin_spa && npm ci && npm run build"
    )
    return BUILT_INDEX.read_text()


async def test_admin_is_served_when_started_outside_the_checkout(
    elsewhere: Path, admin_client: AdminClient
) -> None:
    index = built_index()
    async with admin_client() as client:
        response = await client.get("/admin/", follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == index


async def test_deep_link_gets_the_index_when_started_outside_the_checkout(
    elsewhere: Path, admin_client: AdminClient
) -> None:
    index = built_index()
    async with admin_client() as client:
        response = await client.get("/admin/members/123", follow_redirects=False)
    assert response.status_code == 200
    assert response.text == index


def test_relative_admin_dist_is_resolved_against_the_install_location(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMBERSHIP_ADMIN_DIST", "admin_spa/dist")
    assert Settings().admin_dist == CHECKOUT / "admin_spa" / "dist"


def test_absolute_admin_dist_is_kept(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMBERSHIP_ADMIN_DIST", str(elsewhere / "build"))
    assert Settings().admin_dist == elsewhere / "build"


async def test_unbuilt_admin_answers_503_not_a_redirect(
    elsewhere: Path, admin_client: AdminClient
) -> None:
    async with admin_client(admin_dist=elsewhere / "missing") as client:
        for path in ("/admin/", "/admin/members/123"):
            response = await client.get(path, follow_redirects=False)
            assert response.status_code == 503, (path, response.status_code, response.headers)
            assert "not built" in response.text
            assert "npm run build" in response.text


async def test_admin_without_slash_redirects_once(
    elsewhere: Path, admin_client: AdminClient
) -> None:
    async with admin_client(admin_dist=elsewhere / "missing") as client:
        response = await client.get("/admin", follow_redirects=False)
        assert response.status_code in (302, 307)
        assert response.headers["location"].endswith("/admin/")
        followed = await client.get(response.headers["location"], follow_redirects=False)
    assert not followed.is_redirect
