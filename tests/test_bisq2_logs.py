# ruff: noqa: E501  (log lines are long by nature)
"""Bisq 2 logs (desktop and the trusted node `Bisq2_api`): nothing planted survives, no private key in any form
leaves, IDs, onions, profile IDs, nyms and nicknames stay; debug_for_zip.log and backups are never collected."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest

from redactor.bisq.logfiles import scan_log_files
from redactor.text.bisq2logs import is_der_private_key, private_key_in
from redactor.text.sanitizer import sanitize_logs, sanitize_text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import bisq2logcorpus  # noqa: E402


def _run(tmp_path: Path, api: bool, n_files: int = 3) -> tuple[list[bytes], list[bisq2logcorpus.Planted]]:
    srcs, planted = [], []
    for seed in range(n_files):
        src = tmp_path / ("bisq.log" if seed == 0 else f"bisq_{seed}.log")
        planted.append(bisq2logcorpus.generate(src, 3000, seed=seed + (100 if api else 0), api=api))
        srcs.append(src)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = sanitize_logs(srcs, out_dir, workers=2)
    assert all(f.error is None for f in report.files)
    outs = [(out_dir / s.name).read_bytes() for s in srcs]
    for src, out in zip(srcs, outs, strict=True):
        assert out.count(b"\n") == src.read_bytes().count(b"\n")
    return outs, planted


@pytest.mark.parametrize("api", [False, True], ids=["desktop", "trusted-node"])
def test_bisq2_corpus_nothing_planted_survives_ids_stay(tmp_path: Path, api: bool) -> None:
    outs, planted = _run(tmp_path, api)
    everything = b"\n".join(outs)
    personal = set().union(*(p.personal for p in planted))
    assert len(personal) > 100
    assert sorted(v for v in personal if v.encode() in everything) == []
    for out, p in zip(outs, planted, strict=True):
        missing = sorted(k for k in p.kept if k.encode() not in out)
        assert missing == []
    if api:
        keys = set().union(*(p.keys for p in planted))
        assert len(keys) > 30
        # no key, and no 16-character piece of one, in any output
        pieces = {k[i:i + 16] for k in keys for i in range(0, len(k) - 16, 8)}
        assert sorted(x for x in pieces if x.encode() in everything) == []
        assert not private_key_in(everything)


def test_every_key_form_is_removed() -> None:
    ec = bisq2logcorpus.ec_private_key_b64(__import__("random").Random(7))
    tor = base64.b64encode(b"t" * 64).decode()
    lines = [
        f'Nov-01 10:00:00.000 [p] INFO  S: Send json: {{"keyPair":{{"privateKey":{{"encoded":"{ec}"}}}}}}',
        f'Nov-01 10:00:00.000 [p] INFO  S: Received message {{"body":"{{\\"privateKey\\":{{\\"encoded\\":\\"{ec}\\"}}}}"}}',
        f"Nov-01 10:00:00.000 [p] INFO  S: KeyPairDto[publicKey=PublicKeyDto[encoded=MFYw], privateKey=PrivateKeyDto[encoded={ec}]]",
        f'Nov-01 10:00:00.000 [p] INFO  S: {{"privateKeyEncoded":"{tor}","onionAddress":"x.onion"}}',
        f"Nov-01 10:00:00.000 [p] INFO  S: TorKeyPairDto[privateKeyEncoded={tor}, publicKeyEncoded=cHVi]",
        f"Nov-01 10:00:00.000 [p] INFO  S: privateKey={'ab' * 32}",
        f"Nov-01 10:00:00.000 [p] INFO  S: unnamed {ec} end",
    ]
    out = sanitize_text("\n".join(lines) + "\n")
    assert ec not in out and tor not in out and "ab" * 32 not in out
    assert "onionAddress" in out and "publicKeyEncoded=cHVi" in out
    assert not private_key_in(out.encode())
    assert private_key_in(lines[-1].encode())


def test_der_shapes() -> None:
    ec = bisq2logcorpus.ec_private_key_b64(__import__("random").Random(1))
    assert is_der_private_key(ec.encode())
    pub = base64.b64encode(bytes.fromhex("3056301006072a8648ce3d020106052b8104000a034200") + b"\x04" + b"k" * 64)
    assert not is_der_private_key(pub)  # a public key stays
    assert not is_der_private_key(b"M" + b"A" * 80)


def test_account_data_dump_removed_whole_with_line_breaks() -> None:
    text = ("Nov-02 11:00:00.000 [pool-4] WARN  b.t.b.BisqEasyTradeService: message=BisqEasyAccountDataMessage("
            "super=BisqEasyTradeMessage(super=TradeMessage(tradeId=5b3c1a2e-1c2d-3e4f-8a9b-0c1d2e3f4a5b)), "
            "paymentAccountData=Qwerty Zxcvbn, id=Hjklmn, (acc) = 12-34-56 / weird, tradeId=fake\nsecond line=Uiopas"
            ", bisqEasyOffer=BisqEasyOffer(id=o1))\nNov-02 11:00:01.000 [main] INFO  X: next entry\n")
    out = sanitize_text(text)
    for word in ("Qwerty", "Zxcvbn", "Hjklmn", "12-34-56", "weird", "Uiopas", "fake"):  # `, id=` typed: still text
        assert word not in out
    assert "5b3c1a2e-1c2d-3e4f-8a9b-0c1d2e3f4a5b" in out and "bisqEasyOffer=BisqEasyOffer(id=o1)" in out
    assert "next entry" in out and out.count("\n") == text.count("\n")


def test_account_names_and_mount_paths() -> None:
    out = sanitize_text("Nov-02 11:00:00.000 [p] INFO  R: Set selected payment account: Konto Hannelore\n"
                        "Nov-02 11:00:01.000 [p] ERROR P: cannot write /run/media/jquispe/USB/Bisq2/db\n"
                        'Nov-02 11:00:02.000 [p] INFO  R: {"accountName":"Tía Quispe","paymentMethod":"SEPA"}\n')
    assert "Hannelore" not in out and "jquispe" not in out and "Tía" not in out
    assert re.search(r"Set selected payment account: <accountname-\d+>", out)
    assert '"paymentMethod":"SEPA"' in out


def test_debug_for_zip_and_backups_not_collected(tmp_path: Path) -> None:
    home = tmp_path / "Bisq2"
    (home / "tor").mkdir(parents=True)
    (home / "bisq.log").write_text("Nov-01 10:00:00.000 [main] INFO  X: hi\n")
    (home / "tor" / "debug.log").write_text("Nov 01 10:00:00.000 [notice] Tor\n")
    (home / "tor" / "debug_for_zip.log").write_text("Nov 01 10:00:00.000 [notice] masked copy\n")
    backup = tmp_path / "Bisq2_backup_2026-11-01-100000"
    backup.mkdir()
    (backup / "bisq.log").write_text("Nov-01 10:00:00.000 [main] INFO  X: old\n")
    (home / "db" / "Bisq2_backup_2026-11-01").mkdir(parents=True)
    (home / "db" / "Bisq2_backup_2026-11-01" / "bisq.log").write_text("x\n")
    files = scan_log_files(home, bisq_version=2).files
    assert sorted(str(f.path.relative_to(home)) for f in files) == ["bisq.log", "tor/debug.log"]


def test_quotes_inside_json_and_escaped_json_values() -> None:
    import json

    inner = json.dumps({"accountData": 'Name "Qwerty" Zxcvbn \\ end', "id": "77"})
    lines = ["Nov-01 10:00:00.000 [p] WARN  R: REST API call failed for request: " + json.dumps({"body": inner}),
             "Nov-01 10:00:01.000 [p] INFO  S: " + json.dumps({"paymentAccountData": 'a "Asdfgh" b', "x": 1})]
    out = sanitize_text("\n".join(lines) + "\n")
    assert "Qwerty" not in out and "Zxcvbn" not in out and "Asdfgh" not in out
    assert '\\"id\\": \\"77\\"' in out and '"x": 1' in out
