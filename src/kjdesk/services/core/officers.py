"""Local officer accounts (经办人, 复核人, 管理员), passwords and sign-in.

Passwords are kept as salted ``hashlib.scrypt`` hashes: ``scrypt$n$r$p$salt$hash`` (hex).
A signed-in ``App`` carries the officer's username as ``actor`` and the role as ``role``;
every service records ``app.actor`` in its audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.store import audit
from kjdesk.store.models import Officer
from kjdesk.validation import normalize_text

ROLES = ("经办人", "复核人", "管理员")
MIN_PASSWORD = 8
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32


@dataclass(frozen=True)
class OfficerRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": f"密码至少 {MIN_PASSWORD} 位"})


def _row(o: Officer) -> OfficerRow:
    return OfficerRow(o.id, o.username, o.display_name, o.role, o.active)


def require_role(app: App, *roles: str) -> None:
    """Refuse the action unless the signed-in officer has one of ``roles``."""
    if app.role not in roles:
        raise ServiceError(f"当前账号（{app.actor}，{app.role}）无权执行此操作：需要{'或'.join(roles)}")


MUST_CHANGE = "must_change_password"  # App.extra: a 管理员 reset this officer's password


def must_change_password(app: App) -> bool:
    return bool(app.extra.get(MUST_CHANGE))


def has_officers(app: App) -> bool:
    with app.db.session() as s:
        return bool(s.scalar(select(func.count()).select_from(Officer)))


def _add(s, actor: str, username: str, display_name: str, role: str, password: str) -> OfficerRow:  # noqa: ANN001
    username = normalize_text(username)
    errors: dict[str, str] = {}
    if not username or len(username) > 40:
        errors["username"] = "用户名不能为空，且不超过 40 个字"
    if role not in ROLES:
        errors["role"] = f"角色只能是：{'、'.join(ROLES)}"
    if errors:
        raise ValidationFailed(errors)
    _check_password(password)
    if s.scalar(select(Officer).where(Officer.username == username)) is not None:
        raise ValidationFailed({"username": f"用户名“{username}”已存在"})
    officer = Officer(
        username=username,
        display_name=normalize_text(display_name) or username,
        role=role,
        password_hash=hash_password(password),
        active=True,
    )
    s.add(officer)
    s.flush()
    row = _row(officer)
    audit.record(s, actor, "新增账号", "officer", officer.id, None, {"username": username, "role": role})
    return row


def ensure_first_admin(app: App, username: str, password: str, display_name: str = "") -> OfficerRow | None:
    """At first run, when no officer exists yet, create the first 管理员. Otherwise do nothing."""
    with app.db.session() as s:
        if s.scalar(select(func.count()).select_from(Officer)):
            return None
        return _add(s, username.strip() or "系统", username, display_name, "管理员", password)


def create_officer(app: App, username: str, display_name: str, role: str, password: str) -> OfficerRow:
    require_role(app, "管理员")
    with app.db.session() as s:
        return _add(s, app.actor, username, display_name, role, password)


def reset_password(app: App, username: str, new_password: str) -> None:
    require_role(app, "管理员")
    _check_password(new_password)
    with app.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == username))
        if officer is None:
            raise ServiceError(f"账号“{username}”不存在")
        officer.password_hash = hash_password(new_password)
        officer.must_change_password = officer.username != app.actor  # one's own reset is one's own choice
        audit.record(
            s,
            app.actor,
            "重置密码",
            "officer",
            officer.id,
            None,
            {"username": username, "must_change_password": officer.must_change_password},
        )


def set_active(app: App, username: str, active: bool) -> None:
    require_role(app, "管理员")
    with app.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == username))
        if officer is None:
            raise ServiceError(f"账号“{username}”不存在")
        if officer.username == app.actor and not active:
            raise ServiceError("不能停用当前登录的账号")
        before = officer.active
        officer.active = active
        audit.record(
            s, app.actor, "启用账号" if active else "停用账号", "officer", officer.id, before, active
        )


def change_own_password(app: App, old_password: str, new_password: str) -> None:
    """The signed-in officer changes their own password (the old one proves it is them)."""
    _check_password(new_password)
    if new_password == old_password:
        raise ValidationFailed({"password": "新密码不能与原密码相同"})
    with app.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == app.actor))
        if officer is None or not verify_password(old_password, officer.password_hash):
            raise ServiceError("原密码不正确")
        officer.password_hash = hash_password(new_password)
        officer.must_change_password = False
        audit.record(s, app.actor, "修改密码", "officer", officer.id, None, None)
    app.extra.pop(MUST_CHANGE, None)


def list_officers(app: App) -> list[OfficerRow]:
    with app.db.session() as s:
        return [_row(o) for o in s.scalars(select(Officer).order_by(Officer.id))]


def sign_in(app: App, username: str, password: str, *, record: bool = True) -> App:
    """Check the password; return an ``App`` acting as that officer (the same database).

    After a 管理员 reset the password, ``must_change_password(app)`` is True until the officer
    changes it (the window asks at once; the command line refuses every other command).
    ``record=False`` (the command line, once per command) leaves no 登录 event."""
    with app.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == normalize_text(username)))
        if officer is None or not verify_password(password, officer.password_hash):
            raise ServiceError("用户名或密码不正确")
        if not officer.active:
            raise ServiceError(f"账号“{officer.username}”已停用，请联系管理员")
        if record and not app.read_only:  # a read-only window (another kjdesk is writing) still signs in
            audit.record(s, officer.username, "登录", "officer", officer.id, None, None)
        extra = {k: v for k, v in app.extra.items() if k != MUST_CHANGE}
        if officer.must_change_password:
            extra[MUST_CHANGE] = True
        return replace(app, actor=officer.username, role=officer.role, extra=extra)
