"""The file-level sanitizer: bytes preserved, line counts, placeholders shared across files and processes,
reports without values, unreadable inputs, failures that leave nothing behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.errors import OutputError, UnsafeOutput
from redactor.fsutil import check_output_path
from redactor.text.sanitizer import SanitizeCancelled, sanitize_logs

LINE_A = ("Nov-18 08:24:46.204 [JavaFX Application Thread] INFO  b.c.s.t.TraderChatManager: mail me at "
          "Alice.Mueller@Example.org or call +49 151 23456789 \n")
LINE_B = ("Nov-18 08:19:12.205 [JavaFX Application Thread] ERROR b.c.t.TaskRunner: Task failed: ApplyFilter\n"
          "paymentAccountPayload=SEPA - Account owner full name: Alice Müller, IBAN: DE89 3704 0044 0532 0130 00, "
          "BIC: COBADEFFXXX, Country of bank: DE \n")
LINE_C = "Nov-18 08:22:31.169 [main] INFO  b.c.s.CommonSetup: Log file at: /home/satoshi/.local/share/Bisq/bisq.log \n"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_non_utf8_bytes_and_line_count_preserved(tmp_path: Path) -> None:
    raw = (b"Nov-18 08:00:00.000 [main] INFO  x: caf\xe9 \xff\xfe latin-1 bytes, mail bob@example.org \xe9t\xe9\r\n"
           b"\x00binary\x01 line without newline at the end \x80")
    src = write(tmp_path / "bisq.log", raw)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = sanitize_logs([src], out_dir)
    out = (out_dir / "bisq.log").read_bytes()
    assert out == raw.replace(b"bob@example.org", b"<email-1>")
    assert report.files[0].lines == 2 and report.files[0].counts == {"email": 1}


def test_placeholders_consistent_across_files_serial_equals_parallel(tmp_path: Path) -> None:
    src1 = write(tmp_path / "bisq.log", (LINE_C + LINE_A).encode())
    src2 = write(tmp_path / "bisq_1.log", (LINE_B + LINE_A.replace("Alice.Mueller@Example.org",
                                                                   "alice.mueller@example.ORG")).encode())
    outs = {}
    for workers in (1, 2):
        out_dir = tmp_path / f"out{workers}"
        out_dir.mkdir()
        sanitize_logs([src1, src2], out_dir, workers=workers, map_path=out_dir / "map.json")
        outs[workers] = {p.name: p.read_bytes() for p in sorted(out_dir.iterdir())}
        assert not [p for p in out_dir.iterdir() if p.name.startswith(".")], "temporary files left behind"
    assert outs[1] == outs[2]
    one, two = outs[1]["bisq.log"].decode(), outs[1]["bisq_1.log"].decode()
    assert "<email-1>" in one and "<email-1>" in two  # case-insensitive canonical form
    assert "<phone-1>" in one and "<phone-1>" in two
    assert "/home/<user>/" in one
    mapping = json.loads(outs[1]["map.json"])["placeholders"]
    assert mapping["<email-1>"] == ["alice.mueller@example.org"]
    assert mapping["<iban-1>"] == ["DE89370400440532013000"]


def test_user_name_learnt_in_one_file_removed_in_another(tmp_path: Path) -> None:
    src1 = write(tmp_path / "bisq.log", b"Nov-18 08:00:00.000 [main] INFO  x: opened by satoshi \n")
    src2 = write(tmp_path / "bisq_5.log", LINE_C.encode())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for workers in (1, 2):
        sanitize_logs([src1, src2], out_dir, workers=workers)
        assert b"opened by <user>" in (out_dir / "bisq.log").read_bytes()


def test_report_holds_counts_never_values(tmp_path: Path) -> None:
    src = write(tmp_path / "bisq.log", (LINE_A + LINE_B + LINE_C).encode())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = sanitize_logs([src], out_dir)
    doc = json.dumps(report.to_json())
    for value in ("Alice", "Mueller", "Müller", "DE89", "COBADEFF", "satoshi", "23456789", "example"):
        assert value not in doc
    assert report.totals() == {"account": 1, "email": 1, "iban": 1, "name": 1, "phone": 1, "user": 1}
    assert report.to_json()["files"][0]["lines"] == 4


def test_unreadable_file_is_reported_not_fatal(tmp_path: Path) -> None:
    good = write(tmp_path / "bisq.log", LINE_A.encode())
    missing = tmp_path / "bisq_1.log"
    folder = tmp_path / "bisq_2.log"
    folder.mkdir()  # opening a directory fails like an unreadable file
    for workers in (1, 2):
        out_dir = tmp_path / f"out{workers}"
        out_dir.mkdir()
        report = sanitize_logs([good, missing, folder], out_dir, workers=workers)
        errors = {f.name: f.error for f in report.files}
        assert errors["bisq.log"] is None
        assert errors["bisq_1.log"] and errors["bisq_2.log"]
        assert sorted(p.name for p in out_dir.iterdir()) == ["bisq.log"]


def test_fatal_output_problems_leave_nothing(tmp_path: Path) -> None:
    src = write(tmp_path / "bisq.log", LINE_A.encode())
    with pytest.raises(OutputError):
        sanitize_logs([src], tmp_path / "missing-dir")
    with pytest.raises(UnsafeOutput):
        sanitize_logs([src], tmp_path)  # would overwrite the input
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "bisq_1.log").mkdir()  # the second output cannot be created
    src2 = write(tmp_path / "bisq_1.log", LINE_B.encode())
    for workers in (1, 2):
        with pytest.raises(OutputError):
            sanitize_logs([src, src2], out_dir, workers=workers, map_path=out_dir / "map.json")
        assert sorted(p.name for p in out_dir.iterdir()) == ["bisq_1.log"]  # only the obstacle


def test_cancel_leaves_nothing(tmp_path: Path) -> None:
    srcs = [write(tmp_path / f"bisq_{i}.log", LINE_A.encode() * 50) for i in range(3)]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    seen: list[tuple[int, int]] = []
    for workers in (1, 2):
        with pytest.raises(SanitizeCancelled):
            sanitize_logs(srcs, out_dir, workers=workers, progress=lambda d, t: seen.append((d, t)),
                          cancel=lambda: len(seen) >= 2)
        assert list(out_dir.iterdir()) == []
        seen.clear()
    report = sanitize_logs(srcs, out_dir, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (9, 9) and len(report.files) == 3


def test_refuses_output_inside_bisq_data_dir(demo_data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UnsafeOutput):
        check_output_path(demo_data_dir / "clean.log", [demo_data_dir / "bisq.log"])
    with pytest.raises(UnsafeOutput):
        check_output_path(tmp_path / "x.log", [tmp_path / "x.log"])
    check_output_path(tmp_path / "clean.log", [demo_data_dir / "bisq.log"])
    with pytest.raises(UnsafeOutput):
        sanitize_logs([demo_data_dir / "bisq.log"], demo_data_dir, out_names=["clean.log"])
    assert not (demo_data_dir / "clean.log").exists()


def test_cli_exit_codes(demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from redactor.cli import main

    log = demo_data_dir / "bisq_1.log"
    before = log.read_bytes()
    assert main(["sanitize-log", str(log), "-o", str(log)]) == 1
    assert main(["sanitize-log", str(log), "-o", str(demo_data_dir / "clean.log")]) == 1
    assert main(["sanitize-log", str(tmp_path / "missing.log"), "-o", str(tmp_path / "x.log")]) == 1
    assert "Refusing" in capsys.readouterr().err
    assert log.read_bytes() == before and not (demo_data_dir / "clean.log").exists()
    with pytest.raises(SystemExit) as exc:
        main(["sanitize-log", str(log)])
    assert exc.value.code == 2
    out = tmp_path / "clean.log"
    assert main(["sanitize-log", str(log), "-o", str(out), "--report", str(tmp_path / "r.json")]) == 0
    assert (tmp_path / "clean.log.map.json").exists()
    assert "alice" not in (tmp_path / "r.json").read_text().lower()
    assert "alice müller" in (tmp_path / "clean.log.map.json").read_text(encoding="utf-8")


def test_line_longer_than_a_block(tmp_path: Path) -> None:
    raw = b"x" * 2_000_000 + b" bob@example.org " + b"y" * 7_000_000 + b"\nlast 203.0.113.17\n"
    src = write(tmp_path / "bisq.log", raw)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = sanitize_logs([src], out_dir)
    out = (out_dir / "bisq.log").read_bytes()
    assert out == raw.replace(b"bob@example.org", b"<email-1>").replace(b"203.0.113.17", b"<ip-1>")
    assert report.files[0].lines == 2


def test_multi_line_entry_across_block_boundary(tmp_path: Path) -> None:
    from redactor.text import sanitizer

    filler = b"Nov-18 08:00:00.000 [UserThread] DEBUG b.n.p.s.P2PDataStorage: Storage refreshed; 0 items removed \n"
    entry = (b"Nov-18 08:00:01.000 [JavaFX Application Thread] ERROR b.c.a.w.AccountAgeWitnessService: dump "
             b"CashByMailAccountPayload(postalAddress=1 Main St\n" + b"Flat 9\n" * 40 + b"Gotham, contact=Bruce W)\n")
    head = filler * (sanitizer.BLOCK // len(filler) - 2)
    pad = b"Nov-18 08:00:00.500 [main] INFO  x: " + b"p" * (sanitizer.BLOCK - len(head) - 300) + b"\n"
    raw = head + pad + entry + filler * 10  # the first 1 MB read ends inside the entry's continuation lines
    assert len(head + pad) < sanitizer.BLOCK < len(head + pad + entry) - 100
    src = write(tmp_path / "bisq.log", raw)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    sanitize_logs([src], out_dir)
    out = (out_dir / "bisq.log").read_bytes()
    assert b"Flat 9" not in out and b"Gotham" not in out and b"Bruce" not in out
    assert out.count(b"\n") == raw.count(b"\n")
