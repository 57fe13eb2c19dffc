"""The OS user name: in home paths of every OS and spelling, and as a bare word once it is known.

Inside a home-path segment (`C:\\Users\\<x>\\`, `/Users/<x>`, `/home/<x>`, escaped, URL-encoded, `file://`) the
name goes whatever it is, `user` and `admin` included: it is the trader's account. Kept are only the folders
every machine has (`Public`, `Default`, `All Users`, macOS's `/Users/Shared`): they name nobody and tell
support the file sits in a shared place. As a bare word elsewhere, a name learnt from a path is removed only
when it is specific enough: a generic word (`user`, `admin`, `test`, ...) or one shorter than 3 letters would
wreck ordinary log text. A name the user gives explicitly (`--user-name`) is always removed as a bare word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

from redactor.text.placeholders import canonical
from redactor.text.spans import DROP, FREE, IS_WORD, Add, dec, enc, word_before

# One name character: anything a path segment holds except separators and quoting, or a percent escape that
# is not itself a separator (`%5C` = `\`, `%2F` = `/`).
_CH = rb"(?:[^\s\\/:*?\"<>|,;=()\[\]'{}%$]|%(?!5[Cc]|2[Ff])[0-9A-Fa-f]{2})"
_W = _CH + rb"{1,32}"
_SEP = rb"(?:\\\\|[\\/]|%5[Cc]|%2[Ff])"
# `C:\Users\João Pedro\...`, `C:\\Users\\x` (escaped), `C:/Users/x`, macOS `/Users/x`, `C%3A%5CUsers%5Cx`,
# `file:///C:/Users/x%20y/`. A name with spaces is only taken up to the next separator.
_USERS_PATH = re.compile(rb"sers(?:(?<=[\\/][Uu]sers)|(?<=%5[Cc][Uu]sers)|(?<=%2[Ff][Uu]sers))" + _SEP
                         + rb"(?P<name>" + _W + rb"(?: " + _W + rb"){0,3}(?=" + _SEP + rb")|" + _W + rb")")
_HOME_PATH = re.compile(rb"home(?:(?<=/home)|(?<=%2[Ff]home))(?:/|%2[Ff])(?P<name>" + _W + rb")")
_USER_PROP = re.compile(rb"user\.name=(?P<name>" + _W + rb")")
PATH_PATTERNS = (_USERS_PATH, _HOME_PATH)

# Folders that exist on every machine: not a person's account.
SYSTEM_FOLDERS = {"public", "default", "all users", "default user", "shared", "users", "home"}
# Account names too generic to hunt for as bare words (they stay removed inside paths).
GENERIC_NAMES = SYSTEM_FOLDERS | {"user", "admin", "administrator", "root", "guest", "test", "bisq", "java",
                                  "tor", "app", "apps", "library", "documents", "runner", "home_dir", "username",
                                  "name", "local"}
MIN_BARE_NAME = 3  # shorter learnt names would be replaced inside ordinary words' neighbours ("al", "ed")


def path_name(raw: bytes) -> str:
    """The name as the path spells it, percent escapes decoded (`john%20smith` -> `john smith`)."""
    text = dec(raw).strip()
    if "%" in text:
        text = unquote(text, errors="surrogateescape")
    return text


def in_path(name: str) -> bool:
    """Whether a home-path segment is a person's account (removed) rather than a placeholder or system folder."""
    low = name.casefold()
    return bool(name) and low not in SYSTEM_FOLDERS and not low.startswith(("<", "~"))


def bare_usable(name: str) -> bool:
    """Whether a name learnt from a path is specific enough to be removed wherever it stands."""
    return in_path(name) and len(name) >= MIN_BARE_NAME and name.casefold() not in GENERIC_NAMES


def user_names_in(buf: bytes) -> set[str]:
    """OS user names visible in home paths (every OS and spelling) and `user.name=` properties."""
    names: set[str] = set()
    for rx in (_USERS_PATH, _HOME_PATH, _USER_PROP):
        for m in rx.finditer(buf):
            name = path_name(m.group("name"))
            if in_path(name):
                names.add(name)
    return names


def user_prop_names(buf: bytes) -> set[str]:
    """User names from `user.name=` (Java system properties); home paths are found by `path_hits`."""
    if buf.find(b"user.name=") < 0:
        return set()
    return {n for n in (path_name(m.group("name")) for m in _USER_PROP.finditer(buf)) if in_path(n)}


def path_hits(buf: bytes, add: Add) -> None:
    for rx in PATH_PATTERNS:
        for m in rx.finditer(buf):
            raw = m.group("name")
            name = path_name(raw)
            if in_path(name):
                s = m.start("name") + len(raw) - len(raw.lstrip())
                add((s, s + len(raw.strip()), "user", canonical("user", name), FREE, 2))


def bare_variants(names: Iterable[str]) -> list[bytes]:
    """Lower-cased byte spellings of each name to look for in a lower-cased block: its cases, its UTF-8 and
    Latin-1/Windows-1252 bytes (a Windows log may write either), and its percent-encoded form."""
    variants: set[bytes] = set()
    for n in names:
        forms = {n, n.lower(), n.upper(), n.title(), n.capitalize()}
        raw = enc(n)
        for codec in ("cp1252", "latin-1"):
            try:
                forms.add(raw.decode(codec))  # bytes that were Windows-1252 -> the same name in UTF-8
            except UnicodeDecodeError:
                pass
        for f in list(forms):
            forms.add(quote(f, safe="", errors="surrogateescape"))
            forms.add(f.replace(" ", "+"))
        for f in forms:
            variants.add(enc(f).lower())
            try:
                variants.add(f.encode("cp1252").lower())  # the same name in Windows-1252 bytes
            except UnicodeEncodeError:
                pass
    return sorted((v for v in variants if v), key=len, reverse=True)


def bare_hits(buf: bytes, low: bytes, patterns: list[re.Pattern[bytes]], add: Add) -> None:
    n = len(buf)
    for rx in patterns:
        for m in rx.finditer(low):
            s, e = m.span()
            if word_before(buf, s) or (e < n and IS_WORD[buf[e]]):
                continue
            add((s, e, "user", canonical("user", dec(buf[s:e])), DROP, 1))
