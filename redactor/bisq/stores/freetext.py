"""Values inside free text that Bisq stores: chat messages and error messages that carry payment details
("Account owner full name: Alice Müller, IBAN: DE89…", the one-line text a filter error or a pasted message
holds), and Bisq 2's free-text payment account data.

Only text after a known field label (facts.md §5e, every Bisq language) is taken from a chat message: chat
is conversation, and its other words are not payment data. Bisq 2's account data is payment data throughout, so
its unlabelled lines are taken too (as free text: matched by their specific pieces, see `redactor.matching`).
"""

from __future__ import annotations

from functools import lru_cache

from redactor.matching import normalise

MAX_LABEL_WORDS = 8  # "Pix Key (CPF, CNPJ, Email, Phone number or UUID)" is the longest label in use
MIN_VALUE = 3  # shorter values ("DE", "no") are not payment data
# Labels whose value names a person (its parts are looked for on their own).
NAME_LABELS = frozenset({"account owner full name", "account owner name", "full name first middle last",
                         "user name", "name", "holder name", "account holder", "account holder name",
                         "beneficiary name", "recipient", "contact info", "sender s name per trade contract"})
NOT_PERSONAL_LABELS = frozenset({"country of bank", "country", "bisq version", "trade id", "offer id"})


@lru_cache(maxsize=1)
def _field_labels() -> frozenset[str]:
    from redactor.image.fieldlabels import FIELD, dictionary

    return frozenset(n for n, lab in dictionary().exact.items() if lab.kind == FIELD) | NAME_LABELS


def _label_of(before: str) -> str | None:
    """The field label ending `before` (the text up to a colon), if any: 'SEPA - Account owner full name'."""
    words = normalise(before).split()
    labels = _field_labels()
    for k in range(min(MAX_LABEL_WORDS, len(words)), 0, -1):
        cand = " ".join(words[-k:])
        if cand in labels and cand not in NOT_PERSONAL_LABELS:
            return cand
    return None


def labelled(text: str) -> list[tuple[str, str]]:
    """(kind, value) for each 'Label: value' in the text whose label is a payment field label; kind is "name"
    for names, else "code" (a value looked for whole and by its pieces)."""
    out = []
    for line in text.replace("\\n", "\n").splitlines():
        for part in line.split(", "):
            before, sep, value = part.rpartition(":")
            value = value.strip()
            if not sep or len(value) < MIN_VALUE:
                continue
            label = _label_of(before)
            if label is not None:
                out.append(("name" if label in NAME_LABELS else "code", value))
    return out


def account_data(text: str) -> list[tuple[str, str]]:
    """Bisq 2's free-text account data: labelled values, and each other line as free text."""
    out = labelled(text)
    taken = {v for _, v in out}
    for line in text.splitlines():
        line = line.strip()
        if len(line) >= MIN_VALUE and not any(v in line for v in taken):
            out.append(("free-text", line))
    return out
