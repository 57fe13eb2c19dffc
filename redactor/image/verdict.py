"""What a screenshot's check proved, in words a trader reads: one home for the sentence the CLI and the GUI
show. It says what was checked, never more: with no value of the trade known, the app can only say it found
nothing it recognises, and asks the trader to look."""

from __future__ import annotations

from collections.abc import Sequence

OK_MARK, WARN_MARK = "✔", "⚠"


def screenshot_verdict(verified: bool, problems: Sequence[str], known_checked: int) -> str:
    """`verified`: the second reading of the image as saved found nothing; `problems`: what it still read;
    `known_checked`: how many of the trade's own payment values (Bisq's files, the contract) were looked for."""
    if problems or not verified:
        said = " ".join(problems) or "The app could not confirm this screenshot is safe."
        return f"{WARN_MARK} {said} Black out anything personal by hand."
    if known_checked:
        many = f"{known_checked} payment details" if known_checked != 1 else "payment detail"
        return (f"{OK_MARK} None of the {many} known for this trade can be read in this screenshot as it will be "
                "saved, nor anything else the app recognises as payment details.")
    return (f"{OK_MARK} The app found no payment details it recognises in this screenshot as it will be saved. "
            "It knows none of this trade's own values, so look at the picture yourself before sending it.")
