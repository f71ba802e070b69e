"""Real browser, real sign-in: an OpenID Connect provider started here on localhost (oidc-provider-mock) and
st.login; viewers see no Data page action, editors (by e-mail or group claim) do; a local-account deployment works
with no network and throttles 20 wrong passwords in a row."""
from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.serving import ROOT, free_port, streamlit_server

pytestmark = pytest.mark.e2e

APP_PORT, OIDC_PORT = free_port(), free_port()  # free ones: parallel runs on one machine must not collide
ACTIONS = ('[data-testid="stFileUploader"]', '.st-key-data_restore_button', '.st-key-data_restore')
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def open_data_page(context, base: str):
    page = context.new_page()
    page.goto(f"{base}/data", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stHeading"]', timeout=60_000)
    settled(page)
    page.wait_for_timeout(500)
    settled(page)
    return page


def visible_actions(page) -> list[str]:
    return [selector for selector in ACTIONS if page.locator(selector).count()]


@pytest.fixture(scope="module")
def oidc_provider():
    mock = pytest.importorskip("oidc_provider_mock")
    with mock.run_server_in_thread(port=OIDC_PORT) as server:
        base = f"http://localhost:{server.server_port}"
        for sub, claims in (("editor@example.org", {"email": "editor@example.org", "name": "Editor"}),
                            ("member@example.org", {"email": "member@example.org", "groups": ["dashboard-editors"]}),
                            ("viewer@example.org", {"email": "viewer@example.org", "groups": ["staff"]})):
            request = urllib.request.Request(f"{base}/users/{quote(sub)}", data=json.dumps(claims).encode(),
                                             method="PUT", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 204
        yield base


@pytest.fixture(scope="module")
def oidc_app(oidc_provider, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc")
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""
[auth]
redirect_uri = "http://localhost:{APP_PORT}/oauth2callback"
cookie_secret = "a test cookie secret that is long enough"
client_id = "dashboard"
client_secret = "dashboard-secret"
server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"

[roles]
editors = ["editor@example.org"]
editor_groups = ["dashboard-editors"]
""")
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(folder / "var")}
    with streamlit_server(env, args=["--secrets.files", str(secrets)], port=APP_PORT):
        yield f"http://localhost:{APP_PORT}"


def sign_in_with_provider(browser, base: str, sub: str):
    context = browser.new_context()
    page = open_data_page(context, base)
    assert not visible_actions(page)  # before sign-in: a viewer
    page.get_by_role("button", name="Sign in (editors)").click()
    page.wait_for_selector('input[name="sub"]', timeout=30_000)  # the provider's own authorisation form
    page.fill('input[name="sub"]', sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)
    page.close()
    return open_data_page(context, base)


@pytest.mark.parametrize("sub, editor", [("editor@example.org", True), ("member@example.org", True),
                                         ("viewer@example.org", False)])
def test_oidc_roles_decide_the_data_page_actions(browser, oidc_app, sub, editor):
    page = sign_in_with_provider(browser, oidc_app, sub)
    # the page streams in: wait for the sign-in line and the role's answer (CI once read the page before them)
    page.get_by_text("Signed in as").first.wait_for(timeout=30_000)
    page.get_by_text("(editor)" if editor else "may not change the data").first.wait_for(timeout=30_000)
    settled(page)
    body = page.inner_text("body").replace("\u200b", "")  # the escaped e-mail carries a zero-width space
    assert f"Signed in as {sub}" in body
    if editor:
        page.wait_for_selector(ACTIONS[0], timeout=30_000)  # the uploader can mount after the text around it
        assert visible_actions(page) == list(ACTIONS), body
        assert "(editor)" in body
    else:
        assert visible_actions(page) == [], body
        assert "may not change the data" in body
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_timeout(1500)
    page = open_data_page(page.context, oidc_app)
    assert not visible_actions(page)
    page.context.close()


@pytest.fixture(scope="module")
def accounts_app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("accounts") / "var"
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir)}
    for name in ("amina", "moise"):
        done = subprocess.run([sys.executable, "-m", "data", "accounts", "add", name, "--password-stdin"], cwd=ROOT,
                              env=env, input="a long password\n", capture_output=True, text=True, timeout=60,
                              check=False)
        assert done.returncode == 0, done.stderr
    with streamlit_server(env) as base:
        yield base


def local_sign_in(page, name: str, password: str) -> str:
    """Submit the sign-in form; the message it shows (empty when signed in)."""
    if not page.locator('input[type="password"]').is_visible():
        page.get_by_text("Sign in (editors)").first.click()
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # the sign-in callback empties the password field: once it is empty, the rerun with the answer has come
    page.wait_for_function("() => [...document.querySelectorAll('input[type=password]')].every(i => !i.value)",
                           timeout=30_000)
    settled(page)
    alerts = page.locator('[data-testid="stAlertContentError"]')
    if not alerts.count():  # on a cold browser the answer's alert may come a moment after the field is emptied
        with contextlib.suppress(PlaywrightTimeout):  # none at all: signed in
            alerts.first.wait_for(state="visible", timeout=2_000)
    return alerts.last.inner_text() if alerts.count() else ""


def wait_seconds(message: str) -> int:
    """The wait a lock-out message announces (0 for any other message)."""
    found = re.search(r"try again in (\d+) second", message)
    return int(found.group(1)) if found else 0


def test_local_accounts_work_with_no_network_and_throttle_wrong_passwords(browser, accounts_app):
    context = browser.new_context()
    foreign = []
    context.route("**/*", lambda route: (foreign.append(route.request.url), route.abort())
                  if urlparse(route.request.url).hostname not in {"127.0.0.1", "localhost", "::1"}
                  and not route.request.url.startswith(("data:", "blob:")) else route.continue_())
    page = open_data_page(context, accounts_app)
    assert not visible_actions(page)
    messages = [local_sign_in(page, "moise", f"wrong password {i:02d}") for i in range(20)]
    locked = [m for m in messages if "Too many failed attempts" in m]
    print(f"\n20 wrong passwords: {messages.count('Wrong name or password.')} refused as wrong, {len(locked)} "
          f"refused unchecked while locked; last: {messages[-1]!r}")
    # Five are checked, then the name is locked. The first lock-out is one second, so on a slow machine it may end
    # before the sixth attempt (checked, refused, and the lock doubles): the seventh is then refused unchecked.
    assert messages[:5] == ["Wrong name or password."] * 5
    assert any("Too many" in m for m in messages[5:7]), messages[5:7]
    assert len(locked) >= 10  # slowed down: most later attempts are not even checked
    # Still locked, even for the right password. The lock-out runs in wall time, so on a slow machine the
    # current one may run out before the next attempt: wait it out, fail once more (each checked failure
    # doubles the lock-out) until one starts at 16 s or more, far longer than the next attempt takes.
    fresh = 0
    while fresh < 16:
        time.sleep(wait_seconds(messages[-1]) + 0.5)
        messages.append(local_sign_in(page, "moise", f"still wrong {len(messages)}"))
        fresh = wait_seconds(messages[-1])
        assert fresh, messages[-1]  # past the free attempts, every checked failure locks
    assert "Too many failed attempts" in local_sign_in(page, "moise", "a long password")
    assert not visible_actions(page)
    other = open_data_page(browser.new_context(), accounts_app)  # another name is not locked by moise's
    assert local_sign_in(other, "amina", "not her password") == "Wrong name or password."
    other.context.close()
    assert foreign == []
    context.close()


def test_a_local_editor_signs_in_and_sees_the_actions(browser, accounts_app):
    context = browser.new_context()
    page = open_data_page(context, accounts_app)
    assert local_sign_in(page, "Amina", "a long password") == ""
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=30_000)
    assert visible_actions(page) == list(ACTIONS)
    page.get_by_text("Signed in as amina (editor)").wait_for(timeout=30_000)
    context.close()
