"""The wording of each kind of letter: TOML templates with ``{placeholders}`` an officer can edit.

The shipped templates are ``resources/templates/letters/*.toml``. A folder of the same
layout beside the database (``<database folder>/templates/letters``) overrides a shipped
template of the same file name, so a bureau can adapt its wording without new code.
A placeholder the program does not fill is a clear error, never an empty gap.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kjdesk.resources import resource_path

# Every placeholder a template may use, with what it holds (shown in error messages).
PLACEHOLDERS: dict[str, str] = {
    "bureau": "发文机关（科技局全称）",
    "city": "城市名称",
    "number": "发文字号",
    "unit": "主送单位名称",
    "subject": "享受支持的主体（单位、平台或人员）",
    "you": "对主送的称呼（你单位 / 你）",
    "recognition_sentence": "认定情况一句（名称、日期、文号）",
    "recognition_title": "认定名称",
    "recognition_date": "认定日期",
    "recognition_doc": "认定文号",
    "policy_title": "政策文件标题",
    "policy_doc": "政策文件文号",
    "clause_article": "条款序号（如“第六条”）",
    "clause_title": "条款名称",
    "clause_quote": "条款原文",
    "payment_wording": "支付方式（后补助/资金支持…）",
    "payment_phrase": "支持方式短语（如“后补助资金支持”）",
    "decision_phrase": "决定依据（如“经××市科学技术局局务会议研究（纪要〔2026〕3号）”，默认“经审核”）",
    "amount": "金额（小写与大写）",
    "amount_figures": "金额小写（元）",
    "amount_daxie": "金额大写",
    "year": "拨付年度",
    "schedule_sentence": "分年度拨付说明（一次性拨付时为空）",
    "replaces_sentence": "更正说明（替代已作废通知书时）",
    "issue_date": "成文日期",
}


class TemplateError(Exception):
    """A template that cannot be used; the message names the file and the reason in Chinese."""


@dataclass(frozen=True)
class LetterTemplate:
    name: str  # file stem
    kind: str  # 资金支持通知书 / 后补助通知书 / 奖励通知书
    wordings: tuple[str, ...]  # the payment wordings this template serves
    default: bool
    title: str
    addressee: str
    paragraphs: tuple[str, ...]
    closing: str  # 特此通知。
    path: Path


@dataclass(frozen=True)
class FilledLetter:
    kind: str
    title: str
    addressee: str
    paragraphs: tuple[str, ...]


def shipped_dir() -> Path:
    return resource_path("templates", "letters")


def load_template(path: Path) -> LetterTemplate:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"通知书模板 {path} 无法读取：{exc}") from exc
    missing = [k for k in ("kind", "title", "paragraphs") if k not in data]
    if missing:
        raise TemplateError(f"通知书模板 {path} 缺少必填项：{'、'.join(missing)}")
    paragraphs = data["paragraphs"]
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise TemplateError(f"通知书模板 {path} 的 paragraphs 应为若干段文字的列表")
    template = LetterTemplate(
        name=path.stem,
        kind=str(data["kind"]),
        wordings=tuple(str(w) for w in data.get("wordings", [])),
        default=bool(data.get("default", False)),
        title=str(data["title"]),
        addressee=str(data.get("addressee", "{unit}：")),
        paragraphs=tuple(paragraphs),
        closing=str(data.get("closing", "特此通知。")),
        path=path,
    )
    for text in (template.title, template.addressee, template.closing, *template.paragraphs):
        check_placeholders(text, path)
    return template


def check_placeholders(text: str, path: Path) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise TemplateError(f"通知书模板 {path.name} 的花括号不成对：{exc}（文字“{text[:30]}…”）") from exc
    for f in fields:
        if f not in PLACEHOLDERS:
            known = "、".join(f"{{{k}}}" for k in PLACEHOLDERS)
            raise TemplateError(f"通知书模板 {path.name} 中的占位符 {{{f}}} 无法识别。可用的占位符：{known}")


def load_templates(override_dir: Path | None = None) -> list[LetterTemplate]:
    """The shipped templates, each replaced by a file of the same name in ``override_dir``."""
    files = {p.name: p for p in sorted(shipped_dir().glob("*.toml"))}
    if override_dir is not None and override_dir.is_dir():
        files.update({p.name: p for p in sorted(override_dir.glob("*.toml"))})
    templates = [load_template(p) for _, p in sorted(files.items())]
    if not templates:
        raise TemplateError(f"找不到通知书模板（{shipped_dir()}）：安装不完整")
    return templates


def template_for(payment_wording: str, templates: list[LetterTemplate]) -> LetterTemplate:
    for t in templates:
        if payment_wording in t.wordings:
            return t
    for t in templates:
        if t.default:
            return t
    return templates[0]


def fill(template: LetterTemplate, values: dict[str, str]) -> FilledLetter:
    """Put the values in; a paragraph left empty (e.g. no schedule) is dropped."""
    missing = [k for k in PLACEHOLDERS if k not in values]
    if missing:  # a programming error: every placeholder must be given
        raise TemplateError(f"通知书缺少数据：{'、'.join(missing)}")

    def sub(text: str) -> str:
        return text.format_map(values).strip()

    paragraphs = tuple(p for p in (sub(x) for x in template.paragraphs) if p)
    closing = sub(template.closing)
    return FilledLetter(
        kind=template.kind,
        title=sub(template.title),
        addressee=sub(template.addressee),
        paragraphs=paragraphs + ((closing,) if closing else ()),
    )
