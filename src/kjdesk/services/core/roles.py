"""Who may do what: the one table the services, the window and the command line share.

As the manual says: a 经办人 proposes and records payments; a 复核人 approves or returns
batches (and accepts recomputed amounts) and never pays what he approved; a 管理员 manages
accounts, years, restores and backup settings, and may do a 经办人's work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kjdesk.services.core.app import App

MAKER, CHECKER, ADMIN = "经办人", "复核人", "管理员"
ROLES = (MAKER, CHECKER, ADMIN)

ACTS: dict[str, tuple[str, ...]] = {
    "edit": ROLES,  # the register, imports, recomputation, letters, receipts, the calendar
    "propose": (MAKER, ADMIN),
    "review": (CHECKER,),  # approve, return, accept a recomputed amount
    "pay": (MAKER, ADMIN),  # record and reverse payments
    "cancel": ROLES,
    "accounts": (ADMIN,),
    "years": (ADMIN,),
    "restore": (ADMIN,),
    "backup_settings": (ADMIN,),
    "copy_database": (ADMIN,),
    "reveal": ROLES,
    "backup": ROLES,
    "own_password": ROLES,
}

ACT_LABELS = {
    "edit": "修改数据",
    "propose": "报批",
    "review": "审批或退回",
    "pay": "登记或冲销拨付",
    "cancel": "取消拨付计划",
    "accounts": "管理账号",
    "years": "关闭或重新开启年度",
    "restore": "恢复数据库",
    "backup_settings": "设置备份",
    "copy_database": "复制数据库",
    "reveal": "查看完整身份证号",
    "backup": "备份数据库",
    "own_password": "修改本人密码",
}


def allowed(role: str, act: str) -> bool:
    return role in ACTS[act]


def refusal(actor: str, role: str, act: str) -> str:
    """The Chinese refusal for ``act`` by an officer of ``role``."""
    return f"当前账号（{actor}，{role}）无权{ACT_LABELS[act]}：需要{'或'.join(ACTS[act])}"


def require(app: App, act: str) -> None:
    from kjdesk.services.core.app import ServiceError

    if not allowed(app.role, act):
        raise ServiceError(refusal(app.actor, app.role, act))
