"""Where Bisq puts payment-account data in text: payload field names and one-line detail labels.

Source: ../shared/bisq/facts.md section 5 (5b one-line texts, 5c bank labels, 5d payload JSON keys, 5e labels).
Each field maps to the placeholder kind its value becomes. "contact" means: decide from the value (an e-mail,
a phone number, or another account handle).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)

# Payload fields (JSON keys in pre-1.7.0 contracts, and `key=value` in Lombok toString dumps), facts.md 5d.
# `id`, `paymentMethodId`, `maxTradePeriod` and the country codes are deliberately absent: not personal.
PAYLOAD_FIELDS: dict[str, str] = {
    # names
    "holderName": "name", "accountHolderName": "name", "bankAccountName": "name", "beneficiaryName": "name",
    "contact": "contact", "accountOwner": "name", "userName": "name",
    # e-mail and phone
    "email": "email", "holderEmail": "email", "emailOrMobileNr": "contact", "mobileNr": "phone",
    "mobileNumber": "phone", "beneficiaryPhone": "phone",
    # account numbers and handles
    "iban": "iban", "bic": "account", "accountNr": "account", "bankAccountNumber": "account",
    "beneficiaryAccountNr": "account", "sortCode": "account", "ifsc": "account", "branchId": "account",
    "bankId": "account", "bankCode": "account", "bankBranchCode": "account", "bankSwiftCode": "account",
    "intermediarySwiftCode": "account", "nationalAccountId": "account", "accountId": "contact",
    "payid": "contact", "pixKey": "contact", "promptPayId": "contact", "virtualPaymentAddress": "account",
    "cashTag": "account", "venmoUserName": "account", "accountHolderId": "contact", "holderTaxId": "account",
    "address": "account", "answer": "text", "question": "text",
    # addresses and places
    "postalAddress": "address", "holderAddress": "address", "beneficiaryAddress": "address",
    "beneficiaryCity": "address", "bankAddress": "address", "intermediaryAddress": "address", "city": "address",
    "state": "address",
    # bank identity
    "bankName": "bank", "bankBranch": "bank", "bankBranchName": "bank", "intermediaryName": "bank",
    "intermediaryBranch": "bank", "acceptedBanks": "bank",
    # free text
    "extraInfo": "text", "requirements": "text", "specialInstructions": "text",
    # the account-age salt (excludeFromJsonDataMap) and the offer's free-text extras (facts.md section 6)
    "salt": "salt", "f2fCity": "address", "f2fExtraInfo": "text", "cashByMailExtraInfo": "text",
    # API form of the contract (PaymentAccountPayloadInfo): the multi-line popup text
    "paymentDetails": "payment",
}

# Labels inside one-line payment details (`<Method> - <label>: <value>, <label>: <value>`), facts.md 5b/5c/5e.
DETAIL_LABELS: dict[str, str] = {
    "Account owner full name": "name", "Account owner name": "name", "Full name (first, middle, last)": "name",
    "User name/Phone number": "contact", "User name": "name", "Name": "name", "Recipients User name": "name",
    "Recipients Phone number": "phone", "Recipients User name/Phone number": "contact", "Contact info": "contact",
    "Account owner full name / email": "contact", "Sender's name, per trade contract": "name",
    "Email": "email", "Email or mobile no.": "contact", "Email or phone no.": "contact", "Mobile no.": "phone",
    "Phone number": "phone", "Beneficiary phone number": "phone",
    "IBAN": "iban", "BIC": "account", "IBAN used for Bisq trading on Tikkie": "iban", "Account no.": "account",
    "Account number": "account", "Account no. (IBAN)": "account", "Account No. (or IBAN)": "account",
    "Kontonummer": "account", "CLABE": "account", "Cuenta": "account", "Número de cuenta": "account",
    "CBU number": "account", "Bank ID (BIC/SWIFT)": "account", "Bank code": "account",
    "Institution Number": "account", "Branch no.": "account", "UK sort code": "account", "UK Sort code": "account",
    "Routing Number": "account", "Código da Agência": "account", "BSB code": "account", "Transit Number": "account",
    "Bank name": "bank", "Bank": "bank", "Branch": "bank", "Account": "contact", "IFS Code": "account",
    "Personal ID": "account", "Cadastro de Pessoas Físicas (CPF)": "account", "Rol Único Tributario (RUT)": "account",
    "CUIL/CUIT": "account", "Wallet ID": "account", "CAP Code": "account",
    "Pix Key (CPF, CNPJ, Email, Phone number or UUID)": "contact", "Virtual Payment Address": "account",
    "Citizen ID/Tax ID or phone no.": "contact", "PayID": "contact",
    "UserID linked to financial institution. Like phone number or email or CVU.": "contact",
    "Username or email or phone no.": "contact", "Venmo username": "account", "Receiver's altcoin address": "account",
    "Postal address": "address", "Address": "address", "Beneficiary address": "address",
    "Additional information": "text", "City": "address", "City for 'Face to face' meeting": "address",
    "State/Province/Region": "address", "City / State/Province/Region": "address", "Extra requirements": "text",
    "Secret question": "text", "Answer": "text", "Receiving Bank SWIFT Code": "account",
    "Receiving Bank name": "bank", "Receiving Bank branch": "bank", "Receiving Bank address": "address",
    "Intermediary Bank SWIFT Code": "account", "Intermediary Bank name": "bank",
    "Intermediary Bank branch": "bank", "Intermediary Bank address": "address",
    # Labels whose values stay (low risk, useful to support); listed so they end the previous value.
    "Country of bank": "", "Country": "", "Account type": "", "Accepted banks (ID)": "", "Receiving Bank Country": "",
    "Intermediary Bank Country": "",
}



@lru_cache(maxsize=1)
def localized_detail_labels() -> dict[str, str]:
    """DETAIL_LABELS plus the same labels in every Bisq language: `getPaymentDetails()` is built with
    `Res.get`, so a German Bisq logs `E-Mail oder Telefonnummer: …`. Read from resources/bisq/labels.json."""
    from redactor.bisq.labels import all_labels

    out = dict(DETAIL_LABELS)
    try:
        tables = all_labels()
    except (OSError, ValueError, KeyError) as exc:  # the English table above still works
        log.warning("label translations unavailable: %s", exc)
        return out
    for key, text in tables["en"].items():
        kind = DETAIL_LABELS.get(text.strip().rstrip(":").strip())
        if kind is None or "." not in key:  # `PIX`, `AUSTRALIA_PAYID_SHORT`: method names, not field labels
            continue
        for table in tables.values():
            label = table.get(key, "").strip().rstrip(":\uff1a").strip()
            if len(label) >= 2 and "{" not in label and "\n" not in label and label not in out:
                out[label] = kind
    return out


def strong_label(label: str) -> bool:
    """A label distinctive enough to mark a line as payment details on its own (`Account owner full name`,
    `IBAN`, `E-Mail oder Telefonnummer`); single short words (`Name`, `Bank`, `City`) count only on a line that
    is payment details anyway, as ordinary log text uses them too."""
    return " " in label or len(label) >= STRONG_LABEL_LENGTH or (label.isupper() and len(label) >= 3)


STRONG_LABEL_LENGTH = 8  # "Kontonummer", "Cadastro": long single words are field labels, not log words


def reversed_trie(words: list[bytes]) -> bytes:
    """A regex matching any of `words` written backwards, as a trie (one alternative per next byte): `re` tries
    a plain alternation of 600 labels one by one at every position, a trie in a few steps."""
    root: dict[int, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = root
        for c in reversed(w):
            node = node.setdefault(c, {})
        node[-1] = {}

    def build(node: dict) -> bytes:  # type: ignore[type-arg]
        alts = [re.escape(bytes([c])) + build(child) for c, child in sorted(node.items()) if c >= 0]
        if not alts:
            return b""
        body = alts[0] if len(alts) == 1 else b"(?:" + b"|".join(alts) + b")"
        return b"(?:" + body + b")?" if -1 in node else body

    return build(root)


# Literal snippets (lower-cased) that mark a log line as carrying a payload dump or one-line payment details.
# In Bisq logs these only come through `peersPaymentAccountPayload …(…)` dumps and `paymentAccountPayload=…`
# (facts.md 3a): "accountpayload" covers both, the salt map and SWIFT included. Each trigger costs a pass over
# the whole log, so the list is short; `sanitize_text` (short free text) checks every line instead.
PAYMENT_TRIGGERS: tuple[bytes, ...] = (b"accountpayload",)

# Words that make a bare national-format number in the same line a phone number.
PHONE_TRIGGERS: tuple[bytes, ...] = (b"call ", b"phone", b"mobile")  # not "call": "callback", "Callable"

# Words that mark a Tor bridge line (torrc `Bridge obfs4 ...`, Bisq's `Using bridges: ...`, an obfs4 `cert=`):
# its address, fingerprint and cert are personal. A line without them (`obfs4 1.2.3.4:443 <fingerprint>`, as
# users paste it; meek, snowflake, webtunnel) is found from its address: an IP:port followed by a fingerprint.
BRIDGE_TRIGGERS: tuple[bytes, ...] = (b"bridge", b"cert=")
