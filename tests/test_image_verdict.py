"""The words a screenshot's check ends in say what was checked, never a blanket 'cannot read any'."""

from __future__ import annotations

from redactor.image.verdict import screenshot_verdict


def test_with_known_values_it_names_how_many_were_checked() -> None:
    text = screenshot_verdict(True, [], 7)
    assert text.startswith("✔") and "None of the 7 payment details known for this trade" in text


def test_without_known_values_it_asks_the_trader_to_look() -> None:
    text = screenshot_verdict(True, [], 0)
    assert text.startswith("✔") and "knows none of this trade's own values" in text
    assert "look at the picture yourself" in text and "cannot read any" not in text


def test_anything_still_read_is_a_warning_whatever_was_known() -> None:
    for known in (0, 3):
        text = screenshot_verdict(True, ["an e-mail address is still readable."], known)
        assert text.startswith("⚠") and "e-mail" in text and "by hand" in text
    assert screenshot_verdict(False, [], 3).startswith("⚠")
