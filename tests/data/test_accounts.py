"""Local editor accounts (argon2 hashes only), roles from OIDC claims, sign-in throttling."""
import io
import json
import os

import pytest

from data import accounts
from data.__main__ import main


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASHBOARD_ACCOUNTS", raising=False)
    return tmp_path


def test_an_account_stores_only_an_argon2_hash(data_dir):
    accounts.add_account("amina", "correct horse battery", "editor")
    text = (data_dir / "accounts.json").read_text()
    assert "correct horse battery" not in text
    stored = json.loads(text)["accounts"]["amina"]
    assert stored["hash"].startswith("$argon2id$") and stored["role"] == "editor"
    assert oct(os.stat(data_dir / "accounts.json").st_mode & 0o777) == "0o600"
    loaded = accounts.load_accounts()
    assert accounts.verify_password(loaded, "Amina", "correct horse battery").name == "amina"
    assert accounts.verify_password(loaded, "amina", "correct horse batterY") is None
    assert accounts.verify_password(loaded, "nobody", "correct horse battery") is None


def test_a_new_password_replaces_the_old_one(data_dir):
    accounts.add_account("amina", "first password!", "editor")
    accounts.add_account("Amina", "second password", "viewer")
    loaded = accounts.load_accounts()
    assert list(loaded) == ["amina"] and loaded["amina"].role == "viewer"
    assert accounts.verify_password(loaded, "amina", "first password!") is None
    assert accounts.verify_password(loaded, "amina", "second password") is not None


@pytest.mark.parametrize("name, password, role", [
    ("", "long enough pw", "editor"), ("a b", "long enough pw", "editor"), ("../x", "long enough pw", "editor"),
    ("amina", "short", "editor"), ("amina", "long enough pw", "admin"),
])
def test_bad_accounts_are_refused(name, password, role):
    with pytest.raises(accounts.AccountError):
        accounts.add_account(name, password, role)


def test_a_damaged_file_is_never_overwritten(data_dir):
    (data_dir / "accounts.json").write_text("{not json")
    with pytest.raises(accounts.AccountError):
        accounts.add_account("amina", "long enough pw")
    assert (data_dir / "accounts.json").read_text() == "{not json"
    with pytest.raises(accounts.AccountError):
        accounts.load_accounts()


def test_plain_text_passwords_in_the_file_are_ignored():
    assert accounts.parse_accounts({"accounts": {"x": {"hash": "secret", "role": "editor"}}}) == {}


def test_the_command_creates_an_account(data_dir, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["accounts", "add", "jean", "--password-stdin"]) == 0
    assert "jean (editor)" in capsys.readouterr().out
    assert accounts.verify_password(accounts.load_accounts(), "jean", "a long password") is not None
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["accounts", "add", "jean2", "--password-stdin"]) == 2
    assert "at least" in capsys.readouterr().err


@pytest.mark.parametrize("claims, role", [
    ({"email": "Editor@Example.org"}, "editor"),
    ({"email": "editor@example.org", "email_verified": False}, "viewer"),
    ({"email": "someone@example.org"}, "viewer"),
    ({"email": "someone@example.org", "groups": ["staff", "Dashboard-Editors"]}, "editor"),
    ({"email": "someone@example.org", "groups": "dashboard-editors"}, "editor"),
    ({"groups": ["staff"]}, "viewer"),
    ({}, "viewer"),
])
def test_roles_from_claims(claims, role):
    assert accounts.role_from_claims(claims, ["editor@example.org"], ["dashboard-editors"]) == role


def test_twenty_wrong_passwords_in_a_row_are_slowed_down():
    throttle = accounts.Throttle(free=5, base=1.0, cap=300.0)
    now, refused, waited = 0.0, 0, 0.0
    for _ in range(20):
        wait = throttle.wait("amina", now)
        if wait:
            refused += 1
            waited += wait
            now += wait  # the attacker waits as told, then tries again
        throttle.failure("amina", now)
    assert refused == 14  # attempts 7 to 20 had to wait
    assert waited == sum(min(300, 2 ** k) for k in range(14))  # 1, 2, 4 … 256, then 300 s each
    assert throttle.wait("amina", now) == 300.0  # capped at five minutes
    assert throttle.wait("other", now) == 0.0
    throttle.success("amina")
    assert throttle.wait("amina", now) == 0.0
