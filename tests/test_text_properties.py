"""Property tests: sanitizing never changes the line count and never removes a trade ID, tx ID or onion; fuzzing:
random bytes and lines never raise, and only whole spans within a line are replaced."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redactor.text.sanitizer import sanitize_bytes, sanitize_logs, sanitize_text

HEX = "0123456789abcdef"
B32 = "abcdefghijklmnopqrstuvwxyz234567"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

trade_ids = st.builds(
    lambda p, u, v: f"{p}-{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}-{v}",
    st.text(ALNUM, min_size=5, max_size=8), st.text(HEX, min_size=32, max_size=32),
    st.sampled_from(["1104", "1923", "1103", "99"]))
tx_ids = st.text(HEX, min_size=64, max_size=64)
onions = st.builds(lambda s, port: f"{s}d.onion{port}", st.text(B32, min_size=55, max_size=55),
                   st.sampled_from(["", ":9999", ":8000"]))
ids = st.one_of(trade_ids, tx_ids, onions)
# Free text around the IDs: words, digits, punctuation, non-ASCII - everything a log message holds, except the
# few characters that open a structured field whose whole value is removed by design (`salt=…`, a bridge line).
filler = st.text(ALNUM + " .,;()[]{}/\\@+-_'#äöüéßçøæ€", max_size=40)
TEMPLATES = [
    "Nov-18 08:19:{s:02d}.123 [JavaFX Application Thread] INFO  b.c.t.p.TradeProtocol: Received {a} from {id} "
    "with tradeId {id2} and uid {b} ",
    "Nov-18 08:19:{s:02d}.123 [JavaFX Application Thread] INFO  b.c.b.w.TxBroadcaster: Broadcast transaction with "
    "ID: {id} {a} ",
    "Nov-18 08:19:{s:02d}.123 [JavaFX Application Thread] ERROR b.c.t.TaskRunner: Task failed: {a}\n"
    "paymentAccountPayload=SEPA - Account owner full name: {a} {id} {b}, IBAN: {id2} ",
    "Nov-18 08:19:{s:02d}.123 [JavaFX Application Thread] INFO  b.c.s.t.TraderChatManager: call me {a} {id} mail "
    "{b}@example.org {id2} +49 151 2345678 ",
    '    "holderName": "{a} {id} {b}",',
    "{a} {id} {b} {id2}",
]
lines = st.builds(
    lambda t, s, a, b, i1, i2: (TEMPLATES[t].format(s=s, a=a, b=b, id=i1, id2=i2),
                                (i1, i2) if "{id2}" in TEMPLATES[t] else (i1,)),
    st.integers(0, len(TEMPLATES) - 1), st.integers(0, 59), filler, filler, ids, ids)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]),
       st.lists(st.sampled_from(["satoshi", "João Pedro", "bob"]), max_size=2))
def test_ids_survive_and_line_count_holds(entries: list[tuple[str, tuple[str, str]]], eol: str,
                                           users: list[str]) -> None:
    text = eol.join(line for line, _ in entries) + eol
    for every_line in (False, True):
        out = sanitize_bytes(text.encode(), users, every_line=every_line).decode()
        assert out.count("\n") == text.count("\n")
        for _, kept in entries:
            for ident in kept:
                assert ident in out


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.lists(st.sampled_from([b"\n", b"@x.org ", b" 1.2.3.4 ", b"/home/ab/",
                                                          b"IBAN: ", b"Account owner full name: "]), max_size=6))
def test_any_bytes_keep_their_line_count(noise: bytes, parts: list[bytes]) -> None:
    data = noise + b"".join(parts) + noise[::-1]
    for every_line in (False, True):
        assert sanitize_bytes(data, every_line=every_line).count(b"\n") == data.count(b"\n")


# --- fuzzing (issue 11): random bytes and random log lines, never a traceback ---------------------------------

PLACEHOLDER = re.compile(rb"<(?:user|[a-z]+-\d+)>")
# Pieces that wake every detector up, to be mixed with random bytes.
FRAGMENTS = [b"\n", b"\r\n", b"@x.org ", b"a.b@ex\xe9.com", b" 1.2.3.4 ", b"10.0.0.1:443 ", b"/home/", b"ab/",
             b"C:\\Users\\", b"%5CUsers%5C", b"%2Fhome%2F", b"\xf6\xe9\xff", b"\xc3\xb6", b"IBAN: ", b"de89 3704 ",
             b"0044 0532 0130 00", b"DE89370400440532013000", b"Account owner full name: ", b"Email or mobile no.: ",
             b"paymentAccountPayload=", b"holderName=", b'"holderName": "', b"Using bridges: ", b"obfs4 ",
             b"cert=", b"4352E58420E68F5E40BF7C74FADDCCD9D1349413 ", b"+49 151 2345678 ", b"phone 030 1234567 ",
             b"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", b"Nov-18 08:19:10.028 [main] INFO  x: ", b", ", b"=", b"\t"]


def assert_only_replaced(src: bytes, out: bytes) -> None:
    """`out` is `src` with some non-empty spans, none holding a newline, each replaced by one placeholder."""
    pieces = PLACEHOLDER.split(out)
    assert out.count(b"\n") == src.count(b"\n")
    assert src.startswith(pieces[0])
    pos = len(pieces[0])
    for i, piece in enumerate(pieces[1:], 1):
        if i == len(pieces) - 1:
            at = len(src) - len(piece)
            assert src.endswith(piece) and at > pos, (src, out)
        else:
            at = src.find(piece, pos + 1)
            assert at > pos, (src, out)
        assert b"\n" not in src[pos:at], (src, out)
        pos = at + len(piece)


noisy = st.lists(st.one_of(st.binary(max_size=12), st.sampled_from(FRAGMENTS)), max_size=30).map(b"".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noisy, st.lists(st.sampled_from(["satoshi", "J\udcf6rg", "user", "a"]), max_size=2))
def test_fuzz_bytes_only_replaced_never_a_traceback(data: bytes, users: list[str]) -> None:
    for every_line in (False, True):
        assert_only_replaced(data, sanitize_bytes(data, users, every_line=every_line))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=8) | st.sampled_from(["\udce9", "\ud800", "a@x.org ", "\n",
                                                      "IBAN: de89370400440532013000", "C:\\Users\\J\udcf6rg\\"]),
                max_size=12).map("".join))
def test_fuzz_text_always_encodable(text: str) -> None:
    out = sanitize_text(text, user_names=("J\udcf6rg",))
    out.encode("utf-8")
    assert out.count("\n") == text.count("\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(noisy, min_size=1, max_size=3))
def test_fuzz_files_through_sanitize_logs(tmp_path: Path, contents: list[bytes]) -> None:
    src_dir = tmp_path / "src"
    out_dir = tmp_path / "out"
    for d in (src_dir, out_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    srcs = []
    for i, data in enumerate(contents):
        srcs.append(src_dir / f"bisq_{i}.log")
        srcs[-1].write_bytes(data)
    report = sanitize_logs(srcs, out_dir, workers=1, map_path=tmp_path / "map.json")
    json.loads((tmp_path / "map.json").read_bytes().decode("utf-8"))
    for src, f in zip(srcs, report.files, strict=True):
        data = src.read_bytes()
        assert f.error is None and f.lines == data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        assert_only_replaced(data, (out_dir / src.name).read_bytes())
