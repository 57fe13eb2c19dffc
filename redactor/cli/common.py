"""What the command modules share: JSON output and support's checklist in words."""

from __future__ import annotations

import json


def print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def missing_of(checklist: dict) -> list[str]:  # type: ignore[type-arg]
    from redactor.bundle.checklist import missing

    if checklist and all(isinstance(v, dict) for v in checklist.values()):  # merged case: one per role
        return [f"{role}: {m}" for role, c in checklist.items() for m in missing(c)]
    return missing(checklist)


def print_checklist(checklist: dict, missing: list[str]) -> None:  # type: ignore[type-arg]
    from redactor.bundle.checklist import items_of

    ITEMS = items_of(checklist)  # noqa: N806 - Bisq 1's or Bisq 2's sentences, as the checklist's keys say
    for key, ok in checklist.items():
        if isinstance(ok, dict):
            print(f"  {key}:")
            for k, v in ok.items():
                print(f"    [{'x' if v else ' '}] {ITEMS.get(k, (k,))[0]}")
        else:
            print(f"  [{'x' if ok else ' '}] {ITEMS.get(key, (key,))[0]}")
    if missing:
        print("Missing (support asks for these):")
        for item in missing:
            print(f"  - {item}")
