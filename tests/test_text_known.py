# ruff: noqa: E501  (synthetic Bisq log lines are long by nature)
"""Issue 13, log side: one set of known values per case, found in every line, file and the description, in any
spelling, with consistent placeholders; values given from outside; identifiers still protected."""

from __future__ import annotations

import json
import random
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redactor.bisq.ids import keep_spans
from redactor.bundle.case import Case
from redactor.bundle.writer import build_bundle
from redactor.text.keeps import KeepIndex
from redactor.text.placeholders import PlaceholderTable
from redactor.text.sanitizer import sanitize_bytes, sanitize_logs, sanitize_text

REPO = Path(__file__).resolve().parent.parent
TS = "Nov-18 08:19:10.028 [JavaFX Application Thread]"
TRADE = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
DUMP = (f"{TS} ERROR b.c.a.w.AccountAgeWitnessService: verifyPeersTradeLimit failed: peersPaymentAccountPayload "
        "SepaAccountPayload(holderName=Olga Müller-Mensah, iban=DE89370400440532013000, bic=COBADEFFXXX, "
        "email=olga.mensah@example.org, countryCode=DE) \n")
ELSEWHERE = (f"{TS} INFO  b.c.s.t.TraderChatManager: chat for {TRADE}: hi, OLGA MUELLER-MENSAH here, my account is "
             "de89-3704-0044-0532-0130-00, write to olga.mensah or call me, Olga \n"
             f"{TS} INFO  x: seller Mensah confirmed; Muller too \n")


def run(tmp_path: Path, files: dict[str, str], workers: int = 1, **kw: object) -> dict[str, str]:
    src_dir = tmp_path / "src"
    src_dir.mkdir(exist_ok=True)
    srcs = []
    for name, text in files.items():
        srcs.append(src_dir / name)
        srcs[-1].write_text(text, encoding="utf-8")
    out_dir = tmp_path / f"out{workers}"
    out_dir.mkdir(exist_ok=True)
    sanitize_logs(srcs, out_dir, workers=workers, map_path=out_dir / "map.json", **kw)  # type: ignore[arg-type]
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out_dir.iterdir())}


@pytest.mark.parametrize("order", ["dump first", "dump last"])
def test_a_value_found_in_one_file_goes_everywhere(tmp_path: Path, order: str) -> None:
    files = {"bisq.log": DUMP, "bisq_1.log": ELSEWHERE} if order == "dump first" else \
        {"bisq.log": ELSEWHERE, "bisq_1.log": DUMP}
    outs = {w: run(tmp_path, files, workers=w) for w in (1, 2)}
    assert outs[1] == outs[2]  # a parallel run is byte-identical to a serial one
    text = outs[1]["bisq.log"] + outs[1]["bisq_1.log"]
    for secret in ("olga", "mensah", "muell", "müller", "muller", "de89", "3704"):
        assert secret not in text.lower(), text
    dump = outs[1]["bisq.log" if order == "dump first" else "bisq_1.log"]
    other = outs[1]["bisq_1.log" if order == "dump first" else "bisq.log"]
    name_ph = re.search(r"holderName=(<name-\d+>)", dump)
    assert name_ph and f"hi, {name_ph.group(1)} here" in other  # the same placeholder in every spelling
    assert re.search(r"my account is <iban-\d+>", other) and TRADE in other
    mapping = json.loads(outs[1]["map.json"])["placeholders"]
    assert all(not re.search("olga|mensah", ph) for ph in mapping)  # placeholders reveal nothing


def test_values_given_from_outside(tmp_path: Path) -> None:
    log = (f"{TS} INFO  x: chat: thanks Kwame, paid from GB33BUKB20201555555555 ref asante \n"
           f"{TS} INFO  x: phone 00233244123456 or 0244123456 \n")
    out = run(tmp_path, {"bisq.log": log},
              known_values=["Kwame Asante", "gb33 bukb 2020 1555 5555 55", "+233 244 123456"])["bisq.log"]
    for secret in ("Kwame", "asante", "GB33", "244123456"):
        assert secret not in out, out
    assert out.count("\n") == 2
    assert sanitize_text("Kwame wrote", known_values=["Kwame Asante"]) == "<name-1> wrote"


def test_the_description_loses_what_the_logs_revealed(tmp_path: Path) -> None:
    table = PlaceholderTable()
    src = tmp_path / "bisq.log"
    src.write_text(DUMP, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    sanitize_logs([src], out_dir, table=table)
    desc = sanitize_text("The seller (Olga, surname MENSAH) sent from de89370400440532013000.", table=table)
    assert "Olga" not in desc and "MENSAH" not in desc and "de89" not in desc
    assert (out_dir / "bisq.log").read_text().count("<name-1>") == 1 and desc.count("<name-1>") == 2


def test_values_found_in_the_text_itself_go_in_every_line() -> None:
    out = sanitize_text("Account owner full name: Ama Owusu-Boateng\nLater: Owusu-Boateng said ama.owusu@x.org\n"
                        "owusu-boateng again")
    assert "Owusu" not in out and "owusu" not in out.lower(), out
    assert out.count("<name-1>") == 3


def test_keep_words_and_identifiers_are_not_hunted() -> None:
    log = (f"{TS} ERROR x: peersPaymentAccountPayload SepaAccountPayload(holderName=Test User Bank, iban=, "
           f"bic=) \n{TS} INFO  x: the user opened the Bank tab for trade {TRADE} \n"
           f"{TS} ERROR x: peersPaymentAccountPayload SepaAccountPayload(holderName=Xk3pQ, iban=) \n")
    out = sanitize_bytes(log.encode(), every_line=False).decode()
    assert "the user opened the Bank tab for trade " + TRADE in out  # label words and IDs stay


def test_short_and_generic_values_are_not_hunted_alone() -> None:
    log = (f"{TS} ERROR x: peersPaymentAccountPayload X(holderName=Li Bo, accountNr=123, bankName=Bank) \n"
           f"{TS} INFO  x: Li and Bo sent 123 sats on port 123 via the Bank \n")
    out = sanitize_bytes(log.encode(), every_line=False).decode()
    assert out.splitlines()[1].endswith("Li and Bo sent 123 sats on port 123 via the Bank ")


def test_bundle_description_and_logs(demo_data_dir: Path, tmp_path: Path) -> None:
    (demo_data_dir / "bisq_2.log").write_text((demo_data_dir / "bisq_2.log").read_text(encoding="utf-8") + DUMP,
                                              encoding="utf-8")
    case = Case(trade_id=json.loads((REPO / "resources/demo/demo-facts.json").read_text())["trade_id"],
                role="buyer", description="The seller Olga Mueller-Mensah never paid; her IBAN de89 3704 0044 0532 0130 00.",
                txids=[], screenshots=[], data_dir=demo_data_dir)
    result = build_bundle(case, tmp_path / "case.zip")
    with zipfile.ZipFile(result.path) as zf:
        everything = b"\n".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace").lower()
    for secret in ("olga", "mensah", "mueller", "de89 3704"):
        assert secret not in everything


ID_CHARS = "0123456789abcdef-.onion2 bc1qXYZ"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([TRADE, "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63",
                                 "p45gy6y32urlmm7jvqifido6ditvbnpap45gy6y32urlmm7jvqifidod.onion", "abcdefg..hijklmn",
                                 "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                                 "2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90", "é", " ", "-"])
                | st.text(ID_CHARS, max_size=6), max_size=10).map("".join))
def test_keep_index_equals_keep_spans(line: str) -> None:
    data = ("x\n" + line + "\ny").encode()
    got = KeepIndex(data).at(2)
    text = line
    want = [(2 + len(text[:a].encode()), 2 + len(text[:b].encode())) for a, b in keep_spans(text)]
    assert got == want


def test_keep_index_on_the_corpus(tmp_path: Path) -> None:
    import sys
    sys.path.insert(0, str(REPO / "benchmarks"))
    import logcorpus

    src = tmp_path / "bisq.log"
    logcorpus.generate(src, 200_000, seed=7, leak_every=5)
    data = src.read_bytes()
    index = KeepIndex(data)
    pos = 0
    for raw in data.split(b"\n")[:3000]:
        text = raw.decode("utf-8", "surrogateescape")
        want = [(pos + len(text[:a].encode("utf-8", "surrogateescape")), pos + len(text[:b].encode("utf-8", "surrogateescape")))
                for a, b in keep_spans(text)]
        assert index.at(pos) == want
        pos += len(raw) + 1
    random.seed(0)


def test_a_known_value_holding_an_identifier_never_alters_it() -> None:
    log = (f"{TS} ERROR x: peersPaymentAccountPayload X(holderName=Kofi {TRADE} Mensah, iban=) \n"
           f"{TS} INFO  x: chat: Kofi {TRADE} Mensah wrote \n")
    out = sanitize_bytes(log.encode(), every_line=False).decode()
    assert out.count(TRADE) == 2 and "Kofi" not in out and "Mensah" not in out, out
    assert re.search(r"chat: (<name-\d+>) " + TRADE + r" \1 wrote", out)


def test_bundle_hides_the_contracts_values_in_logs_and_description(demo_data_dir: Path, tmp_path: Path) -> None:
    """The contract's payment data (`personal_values`) is a known value of the case: found in free text."""
    log = demo_data_dir / "bisq_2.log"
    log.write_text(log.read_text(encoding="utf-8") + f"{TS} INFO  x: chat: SATOSHI here, O'Brien, pay "
                   "gb82-west-1234-5698-7654-32 \n", encoding="utf-8")
    case = Case(trade_id=json.loads((REPO / "resources/demo/demo-facts.json").read_text())["trade_id"],
                role="buyer", description="The peer, Mrs Müller (alice), never answered.", txids=[], screenshots=[],
                data_dir=demo_data_dir, contract=REPO / "resources/demo/contract.json")
    result = build_bundle(case, tmp_path / "case.zip")
    with zipfile.ZipFile(result.path) as zf:
        texts = {n: zf.read(n).decode("utf-8", "replace") for n in zf.namelist()}
    log_out = next(v for k, v in texts.items() if k.endswith("bisq_2.log")).lower()
    desc = next(v for k, v in texts.items() if k.endswith("description.txt")).lower()
    for secret in ("satoshi here", "o'brien", "gb82-west"):
        assert secret not in log_out
    assert "müller" not in desc and "alice" not in desc
