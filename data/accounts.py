"""Who may change the data: local editor accounts (argon2 hashes only), roles from OIDC claims, sign-in throttling.

Accounts live in one JSON file, `$DASHBOARD_ACCOUNTS` or `<data dir>/accounts.json` (mode 0600):

    {"accounts": {"<name>": {"hash": "$argon2id$...", "role": "editor", "created": "<UTC ISO>"}}}

No password is ever stored or logged, only its argon2id hash. Pure: no Streamlit; the page keeps one
`Throttle` per server process (components/auth.py).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from files import atomic_write, data_dir

ROLES = ("viewer", "editor")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the name is unknown, so that a wrong name costs as long as a wrong password (no user probing);
    made at the first sign-in, not at import (an argon2 hash: ~0.5 s of every server start's first page)."""
    return _HASHER.hash("not a password of anyone")


class AccountError(ValueError):
    """An account cannot be created or the accounts file cannot be read."""


@dataclass(frozen=True)
class Account:
    name: str
    hash: str
    role: str = "editor"
    created: str = ""


def accounts_path() -> Path:
    return Path(os.environ.get("DASHBOARD_ACCOUNTS") or data_dir() / "accounts.json")


def parse_accounts(payload: object) -> dict[str, Account]:
    """Accounts from the file's JSON; entries without an argon2 hash or with an unknown role are ignored."""
    entries = payload.get("accounts") if isinstance(payload, dict) else None
    if not isinstance(entries, dict):
        return {}
    out = {}
    for name, entry in entries.items():
        if not (isinstance(entry, dict) and NAME_RE.match(str(name))):
            continue
        hash_, role = str(entry.get("hash") or ""), str(entry.get("role") or "editor")
        if hash_.startswith("$argon2") and role in ROLES:
            out[str(name).lower()] = Account(str(name), hash_, role, str(entry.get("created") or ""))
    return out


def load_accounts(path: Path | None = None) -> dict[str, Account]:
    """Accounts by lower-case name; {} when the file is absent. A damaged file is an AccountError."""
    path = path or accounts_path()
    try:
        return parse_accounts(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise AccountError(f"{path}: cannot be read ({type(exc).__name__})") from None


def validate_new_account(name: str, password: str, role: str) -> None:
    if not NAME_RE.match(name):
        raise AccountError("a name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    if role not in ROLES:
        raise AccountError(f"a role is one of {', '.join(ROLES)}")


def add_account(name: str, password: str, role: str = "editor", path: Path | None = None,
                now: dt.datetime | None = None) -> Account:
    """Create or replace (new password) an account; only the argon2id hash is written, atomically, mode 0600."""
    validate_new_account(name, password, role)
    path = path or accounts_path()
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        payload = {}
    except (OSError, ValueError) as exc:
        raise AccountError(f"{path}: cannot be read ({type(exc).__name__}): not overwritten") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("accounts", {}), dict):
        raise AccountError(f"{path}: not an accounts file: not overwritten")
    created = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    account = Account(name, _HASHER.hash(password), role, created)
    entries = {k: v for k, v in payload.get("accounts", {}).items() if str(k).lower() != name.lower()}
    entries[name] = {"hash": account.hash, "role": role, "created": created}
    atomic_write(path, (json.dumps({"accounts": entries}, indent=2) + "\n").encode("utf-8"))
    os.chmod(path, 0o600)
    return account


def verify_password(accounts: Mapping[str, Account], name: str, password: str) -> Account | None:
    """The account when `password` is its password, else None; an unknown name costs the same argon2 work."""
    dummy = _dummy_hash()  # made first whatever the name: the first sign-in costs the same for every name
    account = accounts.get(str(name).strip().lower())
    try:
        _HASHER.verify(account.hash if account else dummy, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return account


def role_from_claims(claims: Mapping[str, object], editors: Iterable[str] = (), editor_groups: Iterable[str] = (),
                     group_claim: str = "groups") -> str:
    """'editor' when the identity provider's e-mail (verified, unless the provider does not say) is listed in
    `editors`, or one of its groups in `editor_groups`; else 'viewer'. Comparisons ignore case."""
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified", True) not in (False, "false", "False")
    if email and verified and email in {e.strip().lower() for e in editors}:
        return "editor"
    groups = claims.get(group_claim)
    if isinstance(groups, str):
        groups = [groups]
    if isinstance(groups, (list, tuple)) and {str(g).lower() for g in groups} & {g.lower() for g in editor_groups}:
        return "editor"
    return "viewer"


class Throttle:
    """Sign-in throttling per key (an account name): the first `free` failures in a row cost nothing more than
    argon2; each further one locks the key for base·2^k seconds (1, 2, 4… up to `cap`). While locked, attempts
    are refused without checking the password. A success clears the key. Times are passed in (seconds)."""

    def __init__(self, free: int = 5, base: float = 1.0, cap: float = 300.0):
        self.free, self.base, self.cap = free, base, cap
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, key: str, now: float) -> float:
        """Seconds before `key` may try again (0: now)."""
        with self._lock:
            return max(0.0, self._until.get(key.lower(), 0.0) - now)

    def failure(self, key: str, now: float) -> float:
        """Record a failure; answer the lock-out it starts (0 while within the free attempts)."""
        key = key.lower()
        with self._lock:
            count = self._failures.get(key, 0) + 1
            self._failures[key] = count
            if count <= self.free:
                return 0.0
            delay = min(self.cap, self.base * 2 ** (count - self.free - 1))
            self._until[key] = now + delay
            return delay

    def success(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key.lower(), None)
            self._until.pop(key.lower(), None)
