"""Sign-in and roles: viewers see every page read only; editors may change the data (Data page, boundary files).

How someone becomes an editor depends on what the deployment configures (`sign_in_mode`):

    oidc      `[auth]` in .streamlit/secrets.toml: st.login (OpenID Connect); editors listed in `[roles]` by
              e-mail (`editors = [...]`) or group claim (`editor_groups = [...]`, claim name `group_claim`)
    accounts  no identity provider, local accounts exist (`python -m data accounts add NAME`): name + password,
              argon2-verified, throttled per account
    local     nothing configured and the server listens on loopback only (the default `make run`): whoever
              sits at this computer is an editor
    closed    nothing configured and the server listens on a network: everyone is a viewer
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from components.escape import escape_text
from components.i18n import t
from data.accounts import AccountError, Throttle, load_accounts, role_from_claims, verify_password

SESSION_KEY = "_auth_account"  # (name, role) after a local-account sign-in
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class User:
    name: str  # "" when nobody is signed in
    role: str  # "viewer" | "editor"
    method: str  # "oidc" | "account" | "local" | "none"

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"


def _secret_section(name: str) -> Mapping:
    try:
        section = st.secrets.get(name) if st.secrets.load_if_toml_exists() or name in st.secrets else None
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets file at all
        return {}
    return section if isinstance(section, Mapping) else {}


def is_loopback(address: object) -> bool:
    return str(address or "").strip().lower() in LOOPBACK


def sign_in_mode() -> str:
    """"oidc", "accounts", "local" or "closed" (see the module docstring)."""
    if _secret_section("auth"):
        return "oidc"
    try:
        if load_accounts():
            return "accounts"
    except AccountError as exc:  # a damaged accounts file must not open the app: nobody edits
        log.log(logging.ERROR, "sign-in: %s", exc)
        return "accounts"
    return "local" if is_loopback(st.get_option("server.address")) else "closed"


def _oidc_claims() -> dict:
    try:
        claims = st.user.to_dict()
    except (AttributeError, KeyError):
        return {}
    return claims if claims.get("is_logged_in") else {}


def current_user() -> User:
    """Who is using this session, with the role the deployment gives them (checked on every run)."""
    mode = sign_in_mode()
    if mode == "oidc":
        claims = _oidc_claims()
        if not claims:
            return User("", "viewer", "none")
        roles = _secret_section("roles")
        role = role_from_claims(claims, roles.get("editors", ()), roles.get("editor_groups", ()),
                                str(roles.get("group_claim", "groups")))
        return User(str(claims.get("email") or claims.get("name") or claims.get("sub") or ""), role, "oidc")
    if mode == "accounts":
        held = st.session_state.get(SESSION_KEY)
        try:
            account = load_accounts().get(str(held[0]).lower()) if held else None
        except AccountError:
            account = None
        if account is None:  # removed since sign-in: back to viewer
            return User("", "viewer", "none")
        return User(account.name, account.role, "account")
    if mode == "local":
        return User("localhost", "editor", "local")
    return User("", "viewer", "none")


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    return Throttle()  # one per server process: throttling holds across sessions and browser tabs


def sign_in(name: str, password: str, lang: str) -> str | None:
    """Check a local account's password (throttled); None on success, else the message to show."""
    name = name.strip()
    throttle, now = _throttle(), time.monotonic()
    wait = throttle.wait(name, now)
    if wait:
        return t("auth.locked", lang, n=int(wait) + 1)
    try:
        account = verify_password(load_accounts(), name, password)
    except AccountError:
        return t("auth.unavailable", lang)
    if account is None:
        log.log(logging.WARNING, "sign-in: wrong name or password for %r", name[:64])
        delay = throttle.failure(name, now)
        return t("auth.locked", lang, n=int(delay)) if delay else t("auth.wrong", lang)
    throttle.success(name)
    st.session_state[SESSION_KEY] = (account.name, account.role)
    return None


def _on_sign_in(lang: str) -> None:
    message = sign_in(st.session_state.get("auth_name", ""), st.session_state.get("auth_password", ""), lang)
    st.session_state["auth_password"] = ""
    st.session_state["_auth_message"] = message


def _on_sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)


def render_sign_in(lang: str) -> User:
    """Who is signed in and how to sign in or out, at the top of the Data page; returns the current user."""
    mode, user = sign_in_mode(), current_user()
    if mode == "local":
        st.info(t("auth.local", lang))
    elif mode == "closed":
        st.warning(t("auth.closed", lang))
    elif user.method != "none":
        left, right = st.columns([4, 1])
        left.caption(t(f"auth.signed_in.{user.role}", lang, name=escape_text(user.name)))
        if mode == "oidc":
            right.button(t("auth.sign_out", lang), key="auth_sign_out", on_click=st.logout)
        else:
            right.button(t("auth.sign_out", lang), key="auth_sign_out", on_click=_on_sign_out)
    elif mode == "oidc":
        st.caption(t("auth.viewer", lang))
        provider = _secret_section("roles").get("provider")
        st.button(t("auth.sign_in", lang), key="auth_sign_in", on_click=st.login,
                  args=(provider,) if provider else ())
    else:
        st.caption(t("auth.viewer", lang))
        with st.expander(t("auth.sign_in", lang), expanded=bool(st.session_state.get("_auth_message"))):
            with st.form("auth_form", clear_on_submit=False, border=False):
                st.text_input(t("auth.name", lang), key="auth_name", autocomplete="username")
                st.text_input(t("auth.password", lang), key="auth_password", type="password",
                              autocomplete="current-password")
                st.form_submit_button(t("auth.submit", lang), on_click=_on_sign_in, args=(lang,))
            message = st.session_state.pop("_auth_message", None)
            if message:
                st.error(message)
    return user
