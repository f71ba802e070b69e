"""The Data page by role (AppTest): viewers see no action; editors (local mode, local accounts, OIDC claims) do;
two editors preparing against the same version: the second confirm warns, nothing is lost; who/when shown."""
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from components import auth
from components.intake import CONFLICT_KEY, MODE_KEY, UPLOADS_KEY
from data import accounts, storage
from data.portfolio import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[2]
HEADER, *ROWS = (SAMPLE_DIR / "projects.csv").read_bytes().splitlines(keepends=True)
ACTIONS = ("data_confirm", "data_restore_button", "data_cancel")
OIDC = {"redirect_uri": "http://localhost:8660/oauth2callback", "cookie_secret": "x" * 32, "client_id": "dash",
        "client_secret": "s", "server_metadata_url": "http://localhost:8690/.well-known/openid-configuration"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASHBOARD_ACCOUNTS", raising=False)
    return tmp_path


def app_for(**session) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in session.items():
        app.session_state[key] = value
    return app


def run(app: AppTest) -> AppTest:
    app.switch_page("app_pages/data.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def plain(markdown: str) -> str:
    """Markdown source as shown: values from data are backslash-escaped (components/escape.py)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def keys(app: AppTest) -> set[str]:
    return {b.key for b in app.button} | {s.key for s in app.selectbox} | {r.key for r in app.radio}


def upload(name: str, rows: list[bytes]) -> dict:
    return {UPLOADS_KEY: [(name, HEADER + b"".join(rows))], MODE_KEY: "add"}


def test_nothing_configured_on_a_network_address_is_read_only(monkeypatch):
    monkeypatch.setattr(auth, "is_loopback", lambda address: False)
    app = run(app_for(**upload("a.csv", ROWS[:2])))
    assert not keys(app) & {*ACTIONS, "data_restore", "data_mode"}
    assert any("cannot" in w.value or "not changed" in w.value for w in app.warning)
    assert not list(app.get("file_uploader"))


def test_nothing_configured_on_localhost_makes_this_computer_an_editor():
    app = run(app_for(**upload("a.csv", ROWS[:2])))
    assert any("127.0.0.1" in i.value for i in app.info)
    assert {"data_confirm", "data_restore_button"} <= keys(app)


def sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="auth_name").input(name)
    app.text_input(key="auth_password").input(password)
    app.button[[b.label for b in app.button].index("Sign in")].click().run()
    return app


def test_local_accounts_viewer_then_editor_after_sign_in(data_dir):
    accounts.add_account("amina", "a long password", "editor")
    app = run(app_for(**upload("a.csv", ROWS[:2])))
    assert not keys(app) & set(ACTIONS)
    sign_in(app, "amina", "wrong password!")
    assert [e.value for e in app.error] == ["Wrong name or password."]
    assert not keys(app) & set(ACTIONS)
    sign_in(app, "amina", "a long password")
    assert not app.error and "data_confirm" in keys(app)
    app.button(key="data_confirm").click().run()
    version = storage.active_version()
    assert version is not None and version.by == "amina"
    assert version.events[-1]["by"] == "amina" and version.events[-1]["action"] == "confirm"
    table = next(d.value for d in app.dataframe if "Confirmed or restored by" in d.value.columns)
    assert table.iloc[0]["Confirmed or restored by"].startswith("amina, ")
    app.button(key="auth_sign_out").click().run()
    assert not keys(app) & set(ACTIONS)
    assert not any("Confirmed or restored by" in d.value.columns for d in app.dataframe)  # names: editors only


def test_a_viewer_account_cannot_change_anything(data_dir):
    accounts.add_account("guest", "a long password", "viewer")
    app = sign_in(run(app_for(**upload("a.csv", ROWS[:2]))), "guest", "a long password")
    assert any("viewer" in c.value for c in app.caption)
    assert not keys(app) & set(ACTIONS)


def test_repeated_wrong_passwords_lock_the_name(data_dir, monkeypatch):
    accounts.add_account("amina", "a long password", "editor")
    auth._throttle.clear()
    # the clock stands still: on a loaded machine an AppTest run can outlast the first lock-outs (1 s, 2 s)
    monkeypatch.setattr(auth, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    app = run(app_for())
    messages = [sign_in(app, "amina", f"wrong {i:02d} password").error[0].value for i in range(7)]
    assert messages[:5] == ["Wrong name or password."] * 5
    assert all("Too many failed attempts" in m for m in messages[5:])
    sign_in(app, "amina", "a long password")  # locked: even the right password waits
    assert "Too many failed attempts" in app.error[0].value
    assert not keys(app) & set(ACTIONS)
    auth._throttle.clear()


@pytest.mark.parametrize("claims, editor", [
    ({"is_logged_in": True, "email": "editor@example.org", "name": "E"}, True),
    ({"is_logged_in": True, "email": "x@example.org", "groups": ["dashboard-editors"]}, True),
    ({"is_logged_in": True, "email": "viewer@example.org"}, False),
    ({"is_logged_in": False}, False),
])
def test_oidc_roles_come_from_the_claims(claims, editor):
    app = app_for(**upload("a.csv", ROWS[:2]))
    app.secrets["auth"] = OIDC
    app.secrets["roles"] = {"editors": ["editor@example.org"], "editor_groups": ["dashboard-editors"]}
    app.user = claims
    run(app)
    assert ("data_confirm" in keys(app)) is editor
    assert ("data_restore_button" in keys(app)) is editor
    assert ("auth_sign_in" in keys(app)) is (not claims["is_logged_in"])


def test_two_editors_preparing_against_the_same_version_nothing_is_lost(data_dir):
    first = run(app_for(**upload("first.csv", ROWS[:2])))
    second = run(app_for(**upload("second.csv", ROWS[2:4])))  # prepared against the sample too
    first.button(key="data_confirm").click().run()
    after_first = storage.active_version()
    assert [f.name for f in after_first.files][-1] == "first.csv"
    second.button(key="data_confirm").click().run()
    assert storage.active_version().id == after_first.id  # not silently replaced
    assert second.session_state[CONFLICT_KEY] == after_first.id
    assert any(after_first.id in plain(w.value) and "changed since you prepared" in w.value for w in second.warning)
    report = next(plain(c.value) for c in second.caption if "would hold these files" in c.value)
    assert "first.csv" in report and "second.csv" in report  # prepared again on top of the first confirm
    second.button(key="data_confirm").click().run()  # the editor chooses: apply on top
    final = storage.active_version()
    assert {"first.csv", "second.csv"} <= {f.name for f in final.files}
    assert len(storage.scan_versions()[0]) == 2 and not second.warning


def test_cancel_after_a_conflict_changes_nothing(data_dir):
    first = run(app_for(**upload("first.csv", ROWS[:2])))
    second = run(app_for(**upload("second.csv", ROWS[2:4])))
    first.button(key="data_confirm").click().run()
    second.button(key="data_confirm").click().run()
    second.button(key="data_cancel").click().run()
    assert "data_confirm" not in keys(second) and CONFLICT_KEY not in second.session_state
    assert len(storage.scan_versions()[0]) == 1


def test_a_restore_prepared_against_an_older_state_is_refused(data_dir):
    older = storage.save_version([("p.csv", HEADER + ROWS[0])], {"projects": 1})
    newer = storage.save_version([("q.csv", HEADER + ROWS[1])], {"projects": 1})
    stale = run(app_for())
    stale.selectbox(key="data_restore").select(older.id)
    stale.run()  # the restore button now offers `older`, prepared while the sample is in use
    storage.activate(newer.id, by="someone else")
    stale.button(key="data_restore_button").click().run()
    assert storage.active_version().id == newer.id  # nothing restored over the other editor's change
    assert any(newer.id in w.value and "nothing was restored" in w.value for w in stale.warning)


def test_an_action_is_refused_when_the_role_went_away_before_the_click(data_dir):
    """The callbacks check the role again: an editor demoted after the page rendered (or a forged click) changes
    nothing."""
    accounts.add_account("amina", "a long password", "editor")
    app = sign_in(run(app_for(**upload("a.csv", ROWS[:2]))), "amina", "a long password")
    assert "data_confirm" in keys(app)
    accounts.add_account("amina", "a long password", "viewer")  # demoted while the confirm button is shown
    app.button(key="data_confirm").click().run()
    assert storage.scan_versions()[0] == [] and storage.active_version() is None
    assert "Only editors may change the data." in [e.value for e in app.error]


@pytest.mark.parametrize("name, stored", [("a\x00b.csv", "ab.csv"), ("../\x00/p.csv", "p.csv")])
def test_a_nul_byte_in_an_uploaded_name_is_no_exception(data_dir, name, stored):
    app = run(app_for(**{UPLOADS_KEY: [(name, HEADER + ROWS[0])]}))
    app.button(key="data_confirm").click().run()
    assert not app.exception
    assert [f.name for f in storage.active_version().files] == [stored]
