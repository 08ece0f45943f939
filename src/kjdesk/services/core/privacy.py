"""Personal data: 身份证号 are masked wherever they are shown; the whole number only on request, audited."""

from __future__ import annotations

import re

from kjdesk.bank_accounts import mask_account
from kjdesk.services.core.app import App, ServiceError, require_writable
from kjdesk.store import audit
from kjdesk.store.models import Person
from kjdesk.validation import FieldError, check_id_number, mask_id_number

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MIN_REASON = 2


def mask_in_text(text: str) -> str:
    """Mask every valid 身份证号 inside ``text`` (audit values, free text)."""

    def mask(m: re.Match[str]) -> str:
        try:
            check_id_number(m.group(0))
        except FieldError:
            return m.group(0)
        return mask_id_number(m.group(0).upper())

    if not text:
        return text
    text = _ACCOUNT_IN_JSON.sub(lambda m: m.group(1) + mask_account(m.group(2)) + '"', text)
    return _ID_LIKE.sub(mask, text)


# "bank_account": "6222…" in an audit value: the 银行账号 shown by its last four digits
_ACCOUNT_IN_JSON = re.compile(r'("bank_account"\s*:\s*")(\d{6,32})"')


def reveal_id_number(app: App, person_id: int, reason: str) -> str:
    """The whole 身份证号 of a person, for an officer who gives a reason; the request is audited.

    The audit event records who asked, for whom and why, never the number itself.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ServiceError("查看完整身份证号必须填写用途（至少 2 个字），该操作将记入审计日志")
    require_writable(app)  # the request must be audited, so a read-only session cannot grant it
    with app.db.session() as s:
        person = s.get(Person, int(person_id))
        if person is None:
            raise ServiceError(f"人员编号 {person_id} 不存在")
        audit.record(
            s,
            app.actor,
            "查看身份证号",
            "person",
            person.id,
            None,
            {"name": person.name, "id_masked": mask_id_number(person.id_number), "reason": reason},
        )
        return person.id_number
