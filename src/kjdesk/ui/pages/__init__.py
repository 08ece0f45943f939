"""The pages of the main window, in the order of the navigation list.

To add a page, add one line to ``PAGES``::

    Page("entitlements", "应享资金", "entitlements", "kjdesk.ui.pages.entitlements.page:EntitlementsPage"),

The class named by ``factory`` is called as ``cls(app, hub)`` and returns a ``QWidget`` with a
``refresh(changes)`` method (``PageWidget``); ``hub.ops`` runs its service calls and
``hub.sig_changes`` is already wired to ``refresh``. Modules are imported when the page is
first opened, which keeps start-up quick; ``tests/ui/pages/test_page_table.py`` imports and
opens every entry, so a page that cannot load fails a test instead of disappearing.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kjdesk.services.core.app import App, Changes
    from kjdesk.ui.workers import Hub


class PageWidget(Protocol):
    """What a page's widget offers the main window."""

    def refresh(self, changes: Changes) -> None: ...


@dataclass(frozen=True)
class Page:
    key: str  # stable id, remembered as the last page opened
    title: str  # the label in the navigation list
    icon: str  # a name in ui/icons.py
    factory: str  # "package.module:ClassName", imported on first use
    tip: str = ""

    def create(self, app: App, hub: Hub) -> QWidget:
        module, _, name = self.factory.partition(":")
        return getattr(import_module(module), name)(app, hub)


PAGES: list[Page] = [
    Page(
        "units",
        "单位",
        "units",
        "kjdesk.ui.pages.register.units:UnitsPage",
        tip="企业、高校院所、园区等单位名录",
    ),
    Page(
        "platforms",
        "平台",
        "platforms",
        "kjdesk.ui.pages.register.platforms:PlatformsPage",
        tip="创新平台与载体",
    ),
    Page(
        "people",
        "人员",
        "people",
        "kjdesk.ui.pages.register.people:PeoplePage",
        tip="技术经纪人、人才、科技特派员",
    ),
    Page(
        "recognitions",
        "认定记录",
        "recognitions",
        "kjdesk.ui.pages.register.recognitions:RecognitionsPage",
        tip="认定、获批、入库记录",
    ),
    Page(
        "entitlements",
        "应享资金",
        "entitlements",
        "kjdesk.ui.pages.entitlements.page:EntitlementsPage",
        tip="按年度查看应享资金及其计算说明",
    ),
    Page(
        "plans",
        "计划与审批",
        "plans",
        "kjdesk.ui.pages.plan.page:PlanPage",
        tip="年度拨付计划：报批、复核审批、登记拨付与冲销，导出财务报表",
    ),
    Page(
        "overview",
        "总览",
        "overview",
        "kjdesk.ui.pages.overview.page:OverviewPage",
        tip="本年计划、审批、拨付合计，到期提醒，今后五年承诺资金，目标完成情况",
    ),
    Page(
        "policy",
        "政策",
        "policy",
        "kjdesk.ui.pages.policy:PolicyPage",
        tip="包头、乌海两市政策条款原文与本系统口径",
    ),
    Page(
        "letters",
        "通知书",
        "letters",
        "kjdesk.ui.pages.letters.page:LettersPage",
        tip="签发、打印、作废资金支持通知书",
    ),
    Page(
        "import_answers",
        "导入对照",
        "import_answers",
        "kjdesk.ui.pages.import_answers:ImportAnswersPage",
        tip="导入名单时确认过的对应关系：名单中的单位名称、认定类型的写法",
    ),
    Page(
        "audit",
        "审计日志",
        "audit",
        "kjdesk.ui.pages.audit:AuditPage",
        tip="每一次修改的操作人、时间、前后内容；校验审计链；备份与恢复",
    ),
]


def available_pages() -> list[Page]:
    """The pages of the navigation list: every entry of ``PAGES``."""
    return list(PAGES)
