"""The final sweep: every member of a bundle searched for every known value before the zip is written."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from redactor.bundle.case import Case, Screenshot
from redactor.bundle.sweep import KnownValueFound, needles_of, sweep, sweep_image, sweep_text
from redactor.bundle.writer import build_bundle
from redactor.matching import Views, hits, needles

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
FONT = DEMO.parent / "fonts" / "IBMPlexSans-Regular.ttf"
FACTS = json.loads((DEMO / "demo-facts.json").read_text())
TID = FACTS["trade_id"]
DB_ONLY = FACTS["db_only"][0]  # the peer's partner: named only in the trade chat Bisq stored
KNOWN = [("Alice Müller", "holderName"), ("DE89370400440532013000", "iban"), ("alice.mueller@example.org", "email"),
         ("+49 151 23456789", "mobileNr"), ("20-00-00", "sortCode"), ("1a2b3c", "accountNr")]


def _sweep(text: str) -> None:
    found, owners = needles_of(KNOWN)
    sweep_text("case/buyer/bisq.log", text.encode(), found, owners)


@pytest.mark.parametrize("line", [
    "holder=ALICE MULLER", "name alice mueller", "de89 3704 0044 0532 0130 00 sent", "IBAN:DE89370400440532013000",
    "mail Alice.Mueller@Example.org", "call 0151 23456789", "call +49-151-2345 6789", "sort code 20 00 00",
    "Müller", "acct 1a2b3c ok"])
def test_text_sweep_finds_every_written_form(line: str) -> None:
    with pytest.raises(KnownValueFound) as err:
        _sweep(f"Nov-18 08:12:00.001 [main] INFO x: fine\nNov-18 08:12:01.002 [main] INFO x: {line}\n")
    msg = str(err.value)
    assert "case/buyer/bisq.log, line 2" in msg and "Nothing was written" in msg
    assert not any(part in msg.lower() for part in ("alice", "muller", "de89", "0151", "1a2b3c"))  # never the value


@pytest.mark.parametrize("line", [
    "Nov-20 00:00:11.123 took 200000 ms",  # a timestamp and a number are not the sort code
    "txid=" + "9f1a2b3c" * 8,  # a hex tx ID holds the short hex account number
    "onion abcdefg1a2b3c.onion:9999", "Millerton Street", "<name-1> sent <iban-1>", "Alicetown", "aliceb",
])
def test_text_sweep_keeps_what_is_not_the_value(line: str) -> None:
    _sweep(line + "\n")


@pytest.mark.parametrize(("text", "hit"), [
    ("The seller will not answer", False), ("I will mark it as paid", False), ("Will Smith sent it", True),
    ("from WILL", True), ("paid by Will.", True), ("will smith", True), ("smithson", False)])
def test_a_short_name_part_counts_only_written_as_a_name(text: str, hit: bool) -> None:
    assert bool(hits(Views(text), needles("Will Smith", "holderName"))) is hit


def test_needles_of_a_name_are_its_parts_and_the_whole() -> None:
    forms = {n.form for n in needles("Satoshi O'Brien", "holderName")}
    assert {"satoshi", "brien", "satoshi o brien"} <= forms and "o" not in forms
    assert hits(Views("Signed: Brien"), needles("Satoshi O'Brien", "holderName"))


def _png(text: str, size: tuple[int, int] = (720, 60)) -> bytes:
    im = Image.new("RGB", size, "white")
    ImageDraw.Draw(im).text((16, 18), text, font=ImageFont.truetype(str(FONT), 16), fill=(20, 20, 20))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def test_image_sweep_reads_the_saved_screenshot() -> None:
    found, owners = needles_of([("Alice Müller", "holderName"), ("DE89370400440532013000", "iban")])
    with pytest.raises(KnownValueFound, match=r"shot\.png, near x=\d+, y=\d+"):
        sweep_image("shot.png", _png("Trade chat: thanks Alice, payment is on its way"), found, owners)
    with pytest.raises(KnownValueFound, match="a name"):
        sweep_image("shot.png", _png("Sender: Alice Muller"), found, owners)
    with pytest.raises(KnownValueFound, match="an IBAN"):
        sweep_image("shot.png", _png("IBAN DE89 3704 0044 0532 0130 00"), found, owners)
    sweep_image("shot.png", _png("Trade ID 84721 and 0.01 BTC; the seller has not answered"), found, owners)


def test_image_sweep_tolerates_one_ocr_error() -> None:
    found, owners = needles_of([("Brzeczyszczykiewicz", "holderName")])
    # Rendered with one letter changed: what a misread of the real name looks like to the sweep.
    with pytest.raises(KnownValueFound, match="one letter different"):
        sweep_image("shot.png", _png("from Brzeczyszczykiewlcz"), found, owners)


def test_nothing_is_searched_without_known_values() -> None:
    assert sweep([("a.txt", b"Alice")], []).needles == 0


def _case(data_dir: Path, **kw: object) -> Case:
    args: dict[str, object] = dict(trade_id=TID, role="buyer", description="The seller does not answer.", txids=[],
                                   screenshots=[], data_dir=data_dir, contract=None)
    args.update(kw)
    return Case(**args)  # type: ignore[arg-type]


def test_a_screenshot_the_user_left_unredacted_stops_the_export(demo_data_dir: Path, tmp_path: Path) -> None:
    shot = tmp_path / "chat.png"
    shot.write_bytes(_png(f"Hi, it is {DB_ONLY}, I paid you"))
    out = tmp_path / "out" / "case.zip"
    # The trader reviewed it and removed every box: what they send is what the sweep reads.
    case = _case(demo_data_dir, screenshots=[Screenshot(shot, "chat-first-message", boxes=[])])
    with pytest.raises(KnownValueFound, match=r"buyer/screenshots/chat-first-message\.png, near") as err:
        build_bundle(case, out)
    assert "Brz" not in str(err.value) and "Grzegorz" not in str(err.value)
    assert not out.exists() and not any(out.parent.glob("*")) if out.parent.exists() else True


def test_the_report_counts_known_values_by_source(demo_data_dir: Path, tmp_path: Path) -> None:
    res = build_bundle(_case(demo_data_dir, contract=DEMO / "contract.json"), tmp_path / "c.zip")
    with zipfile.ZipFile(res.path) as z:
        raw = z.read(f"{TID}/redaction-report.json")
    section = json.loads(raw)["known_values"]
    assert section["sources"] == {"PendingTrades": 10, "UserPayload": 5, "contract": 6}
    assert section["checked"] == 9 and "notes" not in section  # 10 distinct, less the account name "SEPA GB"
    for value in ("Alice", "DE89", "O'Brien", "Brien", "Grzegorz"):
        assert value.encode() not in raw


def test_without_db_files_the_report_says_rules_only(demo_data_dir: Path, tmp_path: Path) -> None:
    shutil.rmtree(demo_data_dir / "btc_mainnet" / "db")
    res = build_bundle(_case(demo_data_dir), tmp_path / "c.zip")
    assert res.report["known_values"]["rules_only"] is True
    assert "rules alone" in res.report["known_values"]["notes"][0]


def test_large_logs_are_swept_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import redactor.bundle.sweep as sweep_mod

    monkeypatch.setattr(sweep_mod, "PARALLEL_MIN_BYTES", 10)
    monkeypatch.setattr(sweep_mod.os, "cpu_count", lambda: 2)
    clean, dirty = tmp_path / "bisq.log", tmp_path / "bisq_1.log"
    clean.write_bytes(b"Nov-18 08:12:00.001 [main] INFO x: nothing here\n" * 50)
    dirty.write_bytes(b"a line\n" * 30 + "holder: Alice Müller\n".encode())
    entries = [("T/buyer/bisq.log", clean), ("T/buyer/bisq_1.log", dirty), ("T/description.txt", b"fine")]
    with pytest.raises(KnownValueFound, match=r"T/buyer/bisq_1\.log, line 31"):
        sweep(entries, [("Alice Müller", "holderName")])
    assert sweep(entries[:1] + entries[2:], [("Alice Müller", "holderName")]).members == 2


def test_a_trade_id_bisq_does_not_know_says_so(demo_data_dir: Path, tmp_path: Path) -> None:
    from redactor.bundle.sweep import case_known_values

    known = case_known_values(demo_data_dir, "ZZZZZ-00000000-0000-0000-0000-000000000000-1104", [])
    assert "no trade with this ID" in known.notes[0]
    assert "Satoshi O'Brien" in known.texts() and DB_ONLY not in known.texts()  # own accounts still known
    assert ("SEPA GB", "accountName") in known.pairs() and ("SEPA GB", "accountName") not in known.sweep_pairs()


@settings(max_examples=60, deadline=None)
@given(digits=st.text("0123456789", min_size=18, max_size=18), country=st.sampled_from(["DE", "GB", "FR", "NL"]),
       group=st.integers(2, 6), sep=st.sampled_from([" ", "", "-"]), lower=st.booleans(),
       before=st.sampled_from(["IBAN: ", "iban=", "(", "\n", "to "]), after=st.sampled_from(["", ",", ")", " EUR"]))
def test_an_iban_is_found_in_any_grouping_and_case(digits: str, country: str, group: int, sep: str, lower: bool,
                                                   before: str, after: str) -> None:
    iban = country + digits
    shown = sep.join(iban[i:i + group] for i in range(0, len(iban), group))
    text = f"line one\n{before}{shown.lower() if lower else shown}{after}\n"
    assert hits(Views(text), needles(iban, "iban"))


@settings(max_examples=60, deadline=None)
@given(national=st.text("0123456789", min_size=9, max_size=10), code=st.sampled_from(["49", "44", "33", "1"]),
       style=st.sampled_from(["intl", "intl00", "national"]), sep=st.sampled_from([" ", "-", ""]))
def test_a_phone_number_is_found_in_its_international_and_national_forms(national: str, code: str, style: str,
                                                                        sep: str) -> None:
    national = national.lstrip("0") or "1" * 9
    value = f"+{code} {national}"
    shown = {"intl": f"+{code}{sep}{national}", "intl00": f"00{code}{sep}{national}",
             "national": f"0{national[:3]}{sep}{national[3:]}"}[style]
    if len(national) + 1 < 8 and style == "national":
        return  # too short to be looked for in national form
    found = needles(value, "mobileNr")
    assert hits(Views(f"call {shown} today"), found), (value, shown)


def test_summary_lines_say_what_was_checked_or_that_nothing_was_known() -> None:
    from redactor.bundle.sweep import summary_lines

    some = summary_lines({"checked": 9, "sources": {"PendingTrades": 10, "UserPayload": 5}})
    assert some == ["Checked every file for the 9 payment details known for this trade (from PendingTrades 10, "
                    "UserPayload 5; a detail can come from several): none of them can be read in the bundle."]
    none = summary_lines({"checked": 0, "sources": {}, "rules_only": True, "notes": ["UserPayload could not be read"]})
    assert "knows none of this trade's payment details" in none[0] and "look at the files yourself" in none[0]
    assert none[1] == "Note: UserPayload could not be read"


def test_a_cancel_during_the_sweep_writes_nothing() -> None:
    from redactor.bundle.zipio import Cancelled

    with pytest.raises(Cancelled):
        sweep([("a.txt", b"fine")], [("Alice Müller", "holderName")], cancel=lambda: True)


@pytest.mark.parametrize(("value", "text", "hit"), [
    ("Иван Петров", "получатель: ИВАН ПЕТРОВ, Сбербанк", True),  # an SBP holder name, in capitals
    ("Иван Петров", "Иванов Петрович", False),  # other words that begin the same
    ("王小明", "付款人王小明已付款", True),  # written without spaces
    ("Ελένη Παππά", "from ελενη παππα", True),  # accents off in Greek too
    ("Grzegorz Brzęczyszczykiewicz", "GRZEGORZ BRZECZYSZCZYKIEWICZ ✔", True),
])
def test_names_in_other_scripts(value: str, text: str, hit: bool) -> None:
    assert bool(hits(Views(text), needles(value, "holderName"))) is hit
    assert bool(hits(Views(text.encode()), needles(value, "holderName"))) is hit  # a log's bytes the same
