"""Bureau-level settings kept in the database: the city, the bureau's name, the letter pattern."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.services.core.app import App, ServiceError
from kjdesk.store import audit
from kjdesk.store.models import Setting
from kjdesk.validation import CITIES


@dataclass(frozen=True)
class Bureau:
    city: str  # baotou | wuhai
    city_name: str  # 包头市
    name: str  # 包头市科学技术局
    letter_pattern: str


def read_settings(session: Session) -> dict[str, str]:
    return {s.key: s.value for s in session.scalars(select(Setting))}


def write_setting(session: Session, actor: str, key: str, value: str) -> None:
    row = session.get(Setting, key)
    before = row.value if row else None
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value == value:
        return
    else:
        row.value = value
    audit.record(session, actor, "设置", "settings", key, before, value)


def bureau_from(values: dict[str, str]) -> Bureau | None:
    city = values.get("city")
    if city not in CITIES:
        return None
    info = CITIES[city]
    return Bureau(
        city=city,
        city_name=str(info["name"]),
        name=values.get("bureau_name") or str(info["bureau"]),
        letter_pattern=values.get("letter_pattern") or str(info["letter_pattern"]),
    )


def bureau(app: App) -> Bureau | None:
    """The bureau this database serves, or None before the first-run set-up."""
    with app.db.session() as s:
        return bureau_from(read_settings(s))


def require_bureau(app: App) -> Bureau:
    b = bureau(app)
    if b is None:
        raise ServiceError(
            "数据库尚未初始化：请先运行 kjdesk init --city baotou|wuhai，或在首次启动时选择所服务的科技局"
        )
    return b


def initialize(app: App, city: str, bureau_name: str = "") -> Bureau:
    """First-run set-up: which city's bureau this database serves. The city cannot change later."""
    if city not in CITIES:
        raise ServiceError(f"未知城市“{city}”：只能是 baotou（包头）或 wuhai（乌海）")
    with app.db.session() as s:
        values = read_settings(s)
        if values.get("city") and values["city"] != city:
            raise ServiceError(
                f"该数据库已初始化为{CITIES[values['city']]['name']}，不能改为{CITIES[city]['name']}"
            )
        write_setting(s, app.actor, "city", city)
        write_setting(s, app.actor, "bureau_name", bureau_name.strip() or str(CITIES[city]["bureau"]))
        if "letter_pattern" not in values:
            write_setting(s, app.actor, "letter_pattern", str(CITIES[city]["letter_pattern"]))
        values = read_settings(s)
    result = bureau_from(values)
    assert result is not None
    return result
