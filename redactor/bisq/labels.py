"""Bisq 1 UI label strings in every Bisq language (resources/bisq/labels.json, read from Bisq's
displayStrings*.properties). Used to recognise windows and field labels in screenshots."""

from __future__ import annotations

import json
from functools import lru_cache

from redactor.resources import get_resource_path


@lru_cache(maxsize=1)
def all_labels() -> dict[str, dict[str, str]]:
    """language code -> key -> text. Missing keys in a language fall back to English, as in Bisq."""
    data = json.loads(get_resource_path("bisq", "labels.json").read_text(encoding="utf-8"))
    langs: dict[str, dict[str, str]] = data["languages"]
    english = langs["en"]
    return {lang: {**english, **table} for lang, table in langs.items()}


def label(key: str, lang: str = "en") -> str:
    return all_labels()[lang][key]


def translations(key: str) -> dict[str, str]:
    """The text of one key in every language."""
    return {lang: table[key] for lang, table in all_labels().items() if key in table}
