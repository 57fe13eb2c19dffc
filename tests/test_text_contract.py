# ruff: noqa: E501  (synthetic Bisq log lines are long by nature)
"""Contract JSON scrub: old contracts (inline payloads), new ones (since v1.7.0), the API form."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from redactor.cli import main
from redactor.errors import BadInput
from redactor.text.contract import personal_values, scrub_contract_file, scrub_contract_text

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo"


def gson(doc: dict) -> str:  # type: ignore[type-arg]
    """Bisq's Gson output: 2-space pretty print with HTML-safe escapes."""
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    for ch, esc in (("'", "\\u0027"), ("=", "\\u003d"), ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return text


def test_old_contract_with_inline_payloads() -> None:
    text = (DEMO / "contract.json").read_text(encoding="utf-8")
    original = json.loads(text)
    out, counts = scrub_contract_text(gson(original))
    for secret in ("Alice", "Müller", "DE89370400440532013000", "COBADEFFXXX", "O'Brien", "O\\u0027Brien",
                   "GB82WEST12345698765432", "WESTGB2L", "0f1e2d3c-4b5a-4978-8675-a4b3c2d1e0f9"):
        assert secret not in out
    assert counts == {"payment": 2}
    doc = json.loads(out)
    expected = copy.deepcopy(original)
    del expected["makerPaymentAccountPayload"], expected["takerPaymentAccountPayload"]
    assert doc == expected  # everything else kept: IDs, onions, payout addresses, account IDs, hashes
    assert out.startswith('{\n  "offerPayload": {\n    "id": ')  # 2-space pretty print


def test_new_contract_only_free_text_extras_go() -> None:
    doc = json.loads((DEMO / "contract.json").read_text(encoding="utf-8"))
    del doc["makerPaymentAccountPayload"], doc["takerPaymentAccountPayload"]
    doc["offerPayload"]["extraDataMap"].update({"f2fCity": "Berlin", "f2fExtraInfo": "Call 0151 2345678 & ask",
                                                "cashByMailExtraInfo": "PO box 7"})
    doc["hashOfMakersPaymentAccountPayload"] = [12, -5, 33]
    doc["contractVersion"] = 2
    out, counts = scrub_contract_text(gson(doc))
    assert "Berlin" not in out and "0151" not in out and "PO box" not in out
    assert counts == {"address": 1, "text": 2}
    result = json.loads(out)
    assert result["offerPayload"]["extraDataMap"] == {"accountAgeWitnessHash": "ba1c566a4bad288c22a0b7511458c92ca5822cd4",
                                                      "capabilities": "0, 1, 2, 5, 6"}
    assert result["hashOfMakersPaymentAccountPayload"] == [12, -5, 33] and result["makerAccountId"] == "1180472835"


def test_api_form_and_text_around_the_json() -> None:
    doc = {"tradeId": "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104", "contract": {
        "makerPaymentAccountPayload": {"id": "x", "paymentMethodId": "SEPA",
                                       "paymentDetails": "Account owner full name: Alice\nIBAN: DE89370400440532013000"},
        "takerPaymentAccountPayload": None, "paymentDetails": "Name: Bob"}}
    text = "Contract as json:\n" + gson(doc) + "\n\nBuyerMultiSigPubKeyHex: 02" + "ab" * 32 + "\n"
    out, counts = scrub_contract_text(text)
    assert "Alice" not in out and "DE89" not in out and "Bob" not in out
    assert counts == {"payment": 2}
    assert out.startswith("Contract as json:\n{") and "BuyerMultiSigPubKeyHex: 02abab" in out


def test_bad_input() -> None:
    with pytest.raises(BadInput):
        scrub_contract_text("this is a log, not a contract")
    with pytest.raises(BadInput):
        scrub_contract_text('{"offerPayload": {')


def test_file_and_cli(tmp_path: Path) -> None:
    dst = tmp_path / "contract.clean.json"
    assert scrub_contract_file(DEMO / "contract.json", dst) == {"payment": 2}
    assert "Alice" not in dst.read_text(encoding="utf-8")
    assert main(["scrub-contract", str(DEMO / "contract.json"), "-o", str(tmp_path / "c2.json")]) == 0
    assert (tmp_path / "c2.json").read_bytes() == dst.read_bytes()
    (tmp_path / "bad.json").write_text("nope", encoding="utf-8")
    assert main(["scrub-contract", str(tmp_path / "bad.json"), "-o", str(tmp_path / "c3.json")]) == 1
    assert not (tmp_path / "c3.json").exists()


def test_personal_values_are_what_the_scrub_removes() -> None:
    """The values screenshot redaction looks for anywhere: both payloads' data, payment texts' values after
    their labels, free-text extras; never the IDs, methods, countries or amounts support needs."""
    doc = json.loads((DEMO / "contract.json").read_text(encoding="utf-8"))
    doc["offerPayload"]["extraDataMap"]["f2fCity"] = "Springfield"
    doc["paymentDetails"] = ("Zelle - Account owner full name: Bob Ross, Email or mobile no.: bob@example.com, "
                             "Country of bank: Germany")
    values = personal_values(gson(doc))
    assert {"Alice Müller", "DE89370400440532013000", "COBADEFFXXX", "Satoshi O'Brien", "Springfield", "Bob Ross",
            "bob@example.com"} <= set(values)
    kept = {"SEPA", "DE", "AT", doc["makerPaymentAccountPayload"]["id"], doc["offerPayload"]["id"],
            doc["takerFeeTxID"], doc["makerAccountId"], "Zelle - Account owner full name", "Germany"}
    assert not kept & set(values), kept & set(values)
    # Since v1.7.0 a contract carries no payload: nothing to look for.
    del doc["makerPaymentAccountPayload"], doc["takerPaymentAccountPayload"], doc["paymentDetails"]
    doc["offerPayload"]["extraDataMap"].pop("f2fCity")
    assert personal_values(gson(doc)) == []
