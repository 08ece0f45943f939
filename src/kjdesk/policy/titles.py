"""The recognition-type vocabulary (clauses.md Part II) and the reading of roster titles.

``resources/policies/titles.toml`` lists every recognition type with its name, aliases,
levels, stages and the full titles officers write. ``resolve_title`` turns what a roster
says (``国家高新技术企业``; ``企业技术中心`` + ``自治区级``; ``全国重点实验室``) into a
``ResolvedTitle(type_id, level, stage)``, or raises ``UnknownTitle`` with a Chinese message
that names the nearest known titles.
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kjdesk.policy.model import Level, SubjectKind
from kjdesk.resources import resource_path

_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》")
_LEVEL_NAMES = {
    Level.NATIONAL: "国家级",
    Level.REGIONAL: "自治区级",
    Level.CITY: "市级",
    Level.NONE: "不分级",
}


class UnknownTitle(ValueError):
    """A title (or level) that the vocabulary does not know; the message is Chinese."""


class MissingLevel(UnknownTitle):
    """A title of a type that exists at several levels, given without its level."""


class LevelNotAllowed(UnknownTitle):
    """A level (or stage) that the recognition type does not have, or two that disagree."""


@dataclass(frozen=True)
class ResolvedTitle:
    type_id: str
    level: Level
    stage: str = ""


@dataclass(frozen=True)
class RecognitionType:
    id: str
    name: str
    levels: tuple[Level, ...]
    stages: tuple[str, ...]
    subject: SubjectKind
    aliases: tuple[str, ...] = ()
    level_aliases: tuple[tuple[str, Level], ...] = ()
    valid_years: int | None = None
    titles: tuple[str, ...] = ()


def normalize(text: str) -> str:
    """Full-width → half-width (NFKC), quotes and all spaces removed."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    return "".join(text.split()).replace("·", "")


class TitleVocabulary:
    def __init__(
        self,
        types: list[RecognitionType],
        level_words: dict[Level, list[str]],
        stage_words: dict[str, list[str]],
    ) -> None:
        self.types = {t.id: t for t in types}
        self._names: dict[str, tuple[str, Level | None]] = {}
        for t in types:
            for name in (t.name, *t.aliases):
                self._names.setdefault(normalize(name), (t.id, None))
            for name, level in t.level_aliases:
                self._names[normalize(name)] = (t.id, level)
        pairs = [(normalize(w), lv) for lv, words in level_words.items() for w in words]
        self._level_words = sorted(pairs, key=lambda p: -len(p[0]))
        spairs = [(normalize(w), st) for st, words in stage_words.items() for w in words]
        self._stage_words = sorted(spairs, key=lambda p: -len(p[0]))
        self._display = sorted({title for t in types for title in (t.name, *t.titles)})

    # --- parsing ---------------------------------------------------------------------

    def _parse(
        self, key: str, level: Level | None, stage: str | None
    ) -> tuple[str, Level | None, str | None] | None:
        """Depth-first: exact name, then a stage in brackets or at either end, then a level prefix."""
        if not key:
            return None
        hit = self._names.get(key)
        if hit is not None:
            type_id, own_level = hit
            if own_level is not None and level is not None and own_level != level:
                return None
            return type_id, own_level if own_level is not None else level, stage
        if key.endswith(")") and "(" in key:
            inner_start = key.rindex("(")
            inner, rest = key[inner_start + 1 : -1], key[:inner_start]
            for word, st in self._stage_words:
                if inner == word and stage is None:
                    found = self._parse(rest, level, st)
                    if found:
                        return found
            for word, lv in self._level_words:
                if inner == word and level is None:
                    found = self._parse(rest, lv, stage)
                    if found:
                        return found
        if level is None:
            for word, lv in self._level_words:
                if key.startswith(word):
                    found = self._parse(key[len(word) :], lv, stage)
                    if found:
                        return found
        if stage is None:
            for word, st in self._stage_words:
                if key.startswith(word):
                    found = self._parse(key[len(word) :], level, st)
                    if found:
                        return found
                if key.endswith(word):
                    found = self._parse(key[: -len(word)], level, st)
                    if found:
                        return found
        return None

    def parse_level(self, level_text: str) -> tuple[Level | None, str | None]:
        """A level column: ``国家级``, ``自治区``, ``包头市``, ``国家（培育）``, ``市级（考核优秀）``."""
        key = normalize(level_text)
        if not key:
            return None, None
        stage: str | None = None
        if key.endswith(")") and "(" in key:
            start = key.rindex("(")
            inner, key = key[start + 1 : -1], key[:start]
            stage = next((st for word, st in self._stage_words if inner == word), None)
            if stage is None:
                raise UnknownTitle(f"无法识别的级别“{level_text}”，括号内应为培育、考核优秀、良好、续签等")
        for word, lv in self._level_words:
            if key == word:
                return lv, stage
        for word, lv in self._level_words:
            if key.startswith(word):
                rest = key[len(word) :]
                st = next((s for w, s in self._stage_words if rest == w), None)
                if st is not None and stage is None:
                    return lv, st
        raise UnknownTitle(f"无法识别的级别“{level_text}”，可用：国家级、自治区级、市级（或包头市、乌海市）")

    def resolve(self, text: str, level_text: str = "") -> ResolvedTitle:
        key = normalize(text)
        col_level, col_stage = self.parse_level(level_text)
        found = self._parse(key, None, None)
        if found is None:
            raise UnknownTitle(f"无法识别的认定类型“{text}”，最接近的是：{'、'.join(self.nearest(text))}")
        type_id, level, stage = found
        rtype = self.types[type_id]
        if level is not None and col_level is not None and level != col_level:
            raise LevelNotAllowed(
                f"“{text}”是{_LEVEL_NAMES[level]}，与级别栏“{level_text}”不一致",
            )
        if stage and col_stage and stage != col_stage:
            raise LevelNotAllowed(f"“{text}”与级别栏“{level_text}”的阶段不一致")
        level = level if level is not None else col_level
        stage = stage or col_stage or ""
        if level is None:
            if len(rtype.levels) == 1:
                level = rtype.levels[0]
            elif Level.NONE in rtype.levels:
                level = Level.NONE
            else:
                allowed = "、".join(_LEVEL_NAMES[lv] for lv in rtype.levels)
                raise MissingLevel(f"“{text}”未注明级别，{rtype.name}须注明{allowed}之一")
        if level not in rtype.levels:
            allowed = "、".join(_LEVEL_NAMES[lv] for lv in rtype.levels)
            raise LevelNotAllowed(f"“{text}”：{rtype.name}没有{_LEVEL_NAMES[level]}（可用：{allowed}）")
        if stage not in rtype.stages:
            raise LevelNotAllowed(f"“{text}”：{rtype.name}没有“{stage}”这一阶段")
        return ResolvedTitle(type_id, level, stage)

    def nearest(self, text: str, n: int = 3) -> list[str]:
        """The ``n`` known titles closest to ``text`` (difflib on normalized forms)."""
        key = normalize(text)
        by_key: dict[str, str] = {}
        for title in self._display:
            by_key.setdefault(normalize(title), title)
        close = difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.0)
        return [by_key[k] for k in close]


# --- loading ---------------------------------------------------------------------------


def _level(value: str, where: str) -> Level:
    try:
        return Level(value)
    except ValueError:
        raise ValueError(f"{where}：未知级别“{value}”（应为 国家、自治区、市级 或 空）") from None


def parse_titles(data: dict) -> TitleVocabulary:
    """Build the vocabulary from parsed titles.toml data; raises ValueError (Chinese) if malformed."""
    level_words = {_level(k, "level_words"): list(v) for k, v in data.get("level_words", {}).items()}
    stage_words = {str(k): list(v) for k, v in data.get("stage_words", {}).items()}
    types: list[RecognitionType] = []
    seen: set[str] = set()
    for raw in data.get("type", []):
        tid = raw.get("id", "")
        if not tid or not tid.isascii() or tid in seen:
            raise ValueError(f"认定类型编号“{tid}”为空、非ASCII或重复")
        seen.add(tid)
        stages = tuple(raw.get("stages", [""]))
        unknown = [s for s in stages if s not in stage_words]
        if unknown:
            raise ValueError(f"认定类型 {tid}：未知阶段 {unknown}")
        types.append(
            RecognitionType(
                id=tid,
                name=raw["name"],
                levels=tuple(_level(lv, tid) for lv in raw["levels"]),
                stages=stages,
                subject=SubjectKind(raw["subject"]),
                aliases=tuple(raw.get("aliases", [])),
                level_aliases=tuple((k, _level(v, tid)) for k, v in raw.get("level_aliases", {}).items()),
                valid_years=raw.get("valid_years"),
                titles=tuple(raw.get("titles", [])),
            )
        )
    return TitleVocabulary(types, level_words, stage_words)


def load_titles(path: str | Path) -> TitleVocabulary:
    with open(path, "rb") as fh:
        return parse_titles(tomllib.load(fh))


@cache
def builtin_titles() -> TitleVocabulary:
    return load_titles(resource_path("policies", "titles.toml"))


def resolve_title(text: str, level_text: str = "") -> ResolvedTitle:
    """Read a roster's title (and optional level column) with the shipped vocabulary."""
    return builtin_titles().resolve(text, level_text)


def type_name(type_id: str) -> str:
    """The Chinese name of a recognition-type id (the id itself if unknown)."""
    rtype = builtin_titles().types.get(type_id)
    return rtype.name if rtype else type_id
