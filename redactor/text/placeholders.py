"""Consistent placeholders: one value -> one `<kind-N>` for a whole run, numbered in order of first appearance.

A placeholder is a counter, never derived from the value (no hash, no prefix), so it reveals nothing. Values
are canonicalised first (case, spacing) so `DE89 3704 ...` and `de893704...` share one placeholder. The
value -> placeholder map is the only place values are kept; it is written only where the caller asks
(`write_map`), beside the local output, never into a bundle.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from redactor.fsutil import write_bytes_atomic
from redactor.text.spans import printable

# Every category a report can count. `user` (the OS user name) is always `<user>`: it is the trader's own.
KINDS = ("name", "email", "phone", "iban", "account", "address", "bank", "text", "payment", "salt", "ip",
         "bridge", "xkey", "privkey", "user",
         "accountname")

_PHONE_KEEP = re.compile(r"[^\d+]")


def canonical(kind: str, value: str) -> str:
    """The form two spellings of one value share."""
    v = value.strip()
    if kind in ("email", "user", "name", "address", "bank", "text", "payment"):
        return " ".join(v.split()).casefold()  # (str.split: the same whitespace as `\s+`, faster)
    if kind in ("iban", "account"):
        return "".join(v.split()).upper() if kind == "iban" else " ".join(v.split()).upper()
    if kind == "phone":
        digits = _PHONE_KEEP.sub("", v)
        return digits if digits.startswith("+") else digits.lstrip("+")
    if kind == "ip":
        return v.strip("[]").lower()
    return v


class PlaceholderTable:
    """Assigns placeholders in call order. Shared by all files of one run (the sanitizer numbers values in
    file order, then order of first appearance, so a parallel run gives the same numbers as a serial one)."""

    def __init__(self) -> None:
        self._by_value: dict[tuple[str, str], str] = {}
        self._next: dict[str, int] = {}

    def get(self, kind: str, canon: str) -> str:
        key = (kind, canon)
        found = self._by_value.get(key)
        if found is not None:
            return found
        if kind == "user":
            ph = "<user>"
        else:
            n = self._next.get(kind, 0) + 1
            self._next[kind] = n
            ph = f"<{kind}-{n}>"
        self._by_value[key] = ph
        return ph

    def add_all(self, items: Iterable[tuple[str, str]]) -> list[str]:
        return [self.get(kind, canon) for kind, canon in items]

    def items(self) -> list[tuple[str, str]]:
        """Every (kind, canonical value) in the table, in the order they got their placeholder."""
        return list(self._by_value)

    def to_map(self) -> dict[str, list[str]]:
        """placeholder -> the canonical values it stands for (several only for `<user>`)."""
        out: dict[str, list[str]] = {}
        for (_kind, canon), ph in self._by_value.items():
            out.setdefault(ph, []).append(canon)
        return out

    def __len__(self) -> int:
        return len(self._by_value)


def write_map(path: Path, table: PlaceholderTable) -> None:
    """Write the value map (private: mode 600) atomically. Never put this file into a bundle. A value holding
    bytes that are not UTF-8 (a Latin-1 user name in a path) is written with them as `\\xNN`."""
    doc = {
        "about": "Private map of the placeholders in your sanitized logs to the values they replaced. Keep it on "
                 "your computer; it lets you answer a support agent's question about e.g. <iban-1>. Never send it.",
        "placeholders": {ph: [printable(v) for v in values] for ph, values in table.to_map().items()},
    }
    write_bytes_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8"), mode=0o600)
