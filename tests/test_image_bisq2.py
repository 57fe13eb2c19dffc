"""Bisq 2 screens with real Tesseract: the Bisq Easy trade chat's free-text account data and the buyer's BTC
address, the trade details overlay's payment rows (dark default theme and light, several languages); plus the
rule on hand-made OCR words (a message body of any shape goes whole, the next message stays)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from redactor.image.detect import find_spans
from redactor.image.ocr import TesseractOcr, Word
from redactor.image.redact import redact

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import bisq2windows  # noqa: E402
import bisqwindows  # noqa: E402


@pytest.mark.ocr
@pytest.mark.parametrize("spec", bisq2windows.fixed_sample(), ids=lambda s: f"{s['kind']}-{s['lang']}-{s['theme']}")
def test_bisq2_windows_meet_targets(spec: dict) -> None:
    shot = bisqwindows.render(**spec)
    clean, red = redact(shot.image)
    assert red.verified and red.problems == []
    assert red.kind == shot.meta["screen_kind"]
    sc = bisqwindows.score(shot, red.boxes, [w.text for w in TesseractOcr().words(clean)])
    assert sc["personal"] >= 3
    assert sc["missed"] == [] and sc["read_back"] == [] and sc["touched"] == []
    assert sc["outside_frac"] <= 0.02


def _line(y: int, texts: list[str], x: int = 20) -> list[Word]:
    out = []
    for t in texts:
        out.append(Word(t, x, y, 9 * len(t), 14, 95.0))
        x += 9 * len(t) + 7
    return out


def test_free_text_message_body_goes_whole_in_french() -> None:
    words = (_line(10, ["Sprocket", "a", "envoyé", "les", "données", "du", "compte", "de", "paiement", ":"])
             + _line(30, ["Zorglub", "Quinquin"]) + _line(50, ["FR76", "3000", "6000", "0112", "3456", "7890", "189"])
             + _line(70, ["merci,", "trade", "ID", "8f14e45f", "en", "référence"])
             + _line(120, ["BitBeaver", "12:45"]) + _line(140, ["Merci", "je", "paie"]))
    hidden = {w.text for sp in find_spans(words).spans for w in sp.words}
    assert {"Zorglub", "Quinquin", "FR76", "merci,", "8f14e45f", "référence"} <= hidden
    assert not hidden & {"Sprocket", "envoyé", "paiement", "BitBeaver", "Merci", "paie"}


def test_trade_details_rows_btc_address_and_invoice() -> None:
    btc = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    words = (_line(10, ["Trade", "ID"]) + _line(10, ["8f14e45f-ceea-367a-9a36-dedd4bea2543"], x=250)
             + _line(40, ["BTC", "payment", "address"]) + _line(40, [btc], x=250)
             + _line(70, ["Transaction", "ID"]) + _line(70, ["ab" * 24], x=250))
    hidden = {w.text for sp in find_spans(words).spans for w in sp.words}
    assert btc in hidden
    assert "8f14e45f-ceea-367a-9a36-dedd4bea2543" not in hidden and "ab" * 24 not in hidden
