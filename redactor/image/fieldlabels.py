"""Bisq field labels in every Bisq language, matched against OCR'd words with tolerance for OCR errors.

Three kinds (facts.md §5e):
- ROW: labels of rows whose whole value is payment details ("BTC buyer payment details", …).
- FIELD: labels whose value is a personal item ("Account owner full name", "IBAN", "Email or mobile no.", …).
- KEEP: labels whose value support must read (IDs, tx IDs, onions, amounts, dates).
Matching first finds exact hits over all languages, then fuzzy hits only in the languages seen on the
screenshot (plus English), which keeps the fuzzy pass small; when no language is seen, long labels of every
language are fuzzy-matched too.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from redactor.bisq.labels import all_labels

ROW, FIELD, KEEP = "row", "field", "keep"

ROW_KEYS = ("portfolio.pending.step3_seller.buyersAccount", "portfolio.pending.step3_seller.yourAccount",
            "portfolio.pending.step2_buyer.buyerAccount")
ROW_EXTRA_EN = ("Payment account data", "Payment details", "Buyers account data", "Sellers account data")

# payment.* keys that are not personal fields (headings, buttons, prompts, limits, low-risk values).
NOT_FIELD_KEYS = {
    "payment.accept.euro", "payment.accept.nonEuro", "payment.accepted.countries", "payment.addAcceptedBank",
    "payment.altcoin", "payment.altcoin.tradeInstantCheckbox", "payment.altcoin.useSubAddresses",
    "payment.altcoin.usedSubaddressList", "payment.altcoin.initialXmrSubAddressIndex",
    "payment.altcoin.xmrAccountIndex", "payment.altcoin.xmrSubAddressesUsed", "payment.amazon.site",
    "payment.amazonGiftCard.upgrade", "payment.amazonGiftCard.upgrade.headLine", "payment.bank.country",
    "payment.cashByMail.contact.prompt", "payment.checking", "payment.clearAcceptedBanks", "payment.country",
    "payment.currencyWithSymbol", "payment.f2f.city.prompt", "payment.f2f.info.openURL",
    "payment.f2f.offerbook.tooltip.countryAndCity", "payment.f2f.offerbook.tooltip.extra", "payment.ifsc.validation",
    "payment.limitations", "payment.maxPeriod", "payment.maxPeriodAndLimit", "payment.maxPeriodAndLimitCrypto",
    "payment.mercadoPago.site", "payment.restore.default", "payment.revolut.addUserNameInfo.headLine",
    "payment.salt", "payment.savings", "payment.select.account", "payment.select.altcoin",
    "payment.select.bank.country", "payment.select.country", "payment.select.region", "payment.supportedCurrencies",
    "payment.supportedCurrenciesForReceiver", "payment.swift.headline", "payment.swift.showPaymentInfo",
    "payment.swift.title.bank", "payment.swift.title.intermediary", "payment.swift.use.intermediary",
    "payment.transferwiseUsd.address", "payment.useCustomAccountName", "payment.account",
    "payment.japan.account", "payment.japan.bank", "payment.japan.branch", "payment.japan.recipient",
    "payment.swift.country.bank", "payment.swift.country.intermediary",
}
# Words too generic to trust as a label above a field; they still count as "Label:" inside text.
GENERIC = {"account", "bank", "branch", "name", "address", "city", "country", "answer"}

FIELD_EXTRA_EN = (
    "BIC", "Holder name", "Account holder", "Account holder name", "Sender's name, per trade contract",
    "Sender's name", "Name", "Email", "Mobile no.", "Phone", "Phone number", "Contact info", "Bank", "Branch",
    "Account", "Address", "Postal address", "IBAN", "Account no.", "Account number", "Personal ID", "Username",
    "User name", "Holder", "Owner", "Beneficiary name", "Recipient", "Recipients User name", "Recipients Phone number",
    "Recipients User name/Phone number", "User name/Phone number", "Account owner full name / CPF",
    "Account owner full name / RUT", "Account owner full name / CUIT", "Account owner full name / ID",
    "Cadastro de Pessoas Físicas (CPF)", "Rol Único Tributario (RUT)", "CUIL/CUIT", "Venmo username", "Cashtag",
    "Kontonummer", "CLABE", "Cuenta", "Número de cuenta", "UK sort code", "Routing Number", "BSB code",
    "Transit Number", "Institution Number", "Código da Agência", "Name of accepted bank", "holderName", "iban", "bic",
    "emailOrMobileNr", "accountNr", "postalAddress",
)
KEEP_KEYS = (
    "shared.tradeId", "shared.offerId", "shared.makerFeeTxId", "shared.takerFeeTxId", "shared.depositTransactionId",
    "shared.delayedPayoutTxId", "shared.payoutTxId", "tradeDetailsWindow.disputedPayoutTxId",
    "contractWindow.contractHash", "tradeDetailsWindow.tradingPeersOnion", "contractWindow.onions",
    "tradeDetailsWindow.agentAddresses", "shared.selectedMediator", "shared.selectedArbitrator",
    "shared.selectedRefundAgent", "shared.paymentMethod", "tradeDetailsWindow.tradeDate", "contractWindow.dates",
    "shared.tradePrice", "shared.tradeAmount", "shared.securityDeposit", "tradeDetailsWindow.txFee",
    "contractWindow.accountAge", "contractWindow.numDisputes", "portfolio.pending.step2_buyer.amountToTransfer",
    "portfolio.pending.step3_seller.amountToReceive", "contractWindow.btcAddresses", "shared.btcAmount",
    "shared.offerType", "portfolio.pending.step3_seller.xmrTxHash", "shared.delayedPayoutTxReceiverAddress",
    "tradeDetailsWindow.tradeState", "shared.acceptedTakerCountries", "payment.bank.country", "payment.country",
    "payment.salt",
)
KEEP_EXTRA_EN = ("Transaction ID", "Trade ID", "Offer ID", "Amount", "Price", "Date", "Peer network address",
                 "Account age", "Max. trade duration", "Max. trade limit", "Limitations", "Currency",
                 "Salt for account age verification", "Deposit tx", "Country of bank", "Country")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: 'Número de cuenta:' -> 'numero de cuenta'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


@dataclass(frozen=True)
class Label:
    kind: str  # ROW | FIELD | KEEP
    norm: str
    lang: str
    generic: bool


@dataclass
class Dictionary:
    exact: dict[str, Label]
    langs_of: dict[str, set[str]]
    by_lang: dict[str, list[Label]]
    max_words: int


def _variants(text: str) -> list[str]:
    """A label and its pieces: '{0}' placeholders dropped; 'A / B' labels also give 'A'."""
    text = text.replace("\\n", " ")
    out = [text]
    if "{0}" in text:
        out = [text.replace("{0}", "").strip()]
    return [v for v in out if normalise(v)]


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    langs = all_labels()
    exact: dict[str, Label] = {}
    langs_of: dict[str, set[str]] = {}
    by_lang: dict[str, list[Label]] = {}

    def add(kind: str, text: str, lang: str) -> None:
        for v in _variants(text):
            norm = normalise(v)
            if len(norm) < 3 and norm not in ("id",):
                continue
            lab = Label(kind, norm, lang, norm in GENERIC)
            prev = exact.get(norm)
            # A text that is both a keep label and a field label somewhere stays a keep label (never redact IDs).
            if prev is None or (prev.kind != KEEP and kind == KEEP) or (prev.kind == FIELD and kind == ROW):
                exact[norm] = lab
            langs_of.setdefault(norm, set()).add(lang)
            by_lang.setdefault(lang, []).append(lab)

    for lang, table in langs.items():
        pd = table["shared.paymentDetails"]
        for role in ("shared.buyer", "shared.seller"):
            add(ROW, pd.replace("{0}", table[role]), lang)
        for key in ROW_KEYS:
            add(ROW, table[key], lang)
        for key, text in table.items():
            if key.startswith("payment.") and key not in NOT_FIELD_KEYS and not key.isupper():
                add(FIELD, text, lang)
        add(FIELD, table["portfolio.pending.step2_buyer.recipientsAccountData"].replace("{0}", ""), lang)
        for key in KEEP_KEYS:
            add(KEEP, table[key], lang)
    for text in ROW_EXTRA_EN:
        add(ROW, text, "en")
    for text in FIELD_EXTRA_EN:
        add(FIELD, text, "en")
    for text in KEEP_EXTRA_EN:
        add(KEEP, text, "en")
    max_words = max(len(n.split()) for n in exact)
    return Dictionary(exact, langs_of, by_lang, min(max_words, 10))


@lru_cache(maxsize=1)
def payment_method_names() -> frozenset[str]:
    """Normalised display names of payment methods in every language ('zelle', 'sepa instant payments', …)."""
    names: set[str] = set()
    for table in all_labels().values():
        for key, text in table.items():
            if key.isupper() or key.endswith("_SHORT"):
                n = normalise(text)
                if len(n) >= 3:
                    names.add(n)
    return frozenset(names)


# Labels this long are fuzzy-matched in every language when the screenshot's language is unknown.
LONG_LABEL = 16


def fuzzy_cutoff(norm: str) -> float:
    return 1.0 if len(norm) < 6 else (0.86 if len(norm) < 14 else 0.82)


class Matcher:
    """Matches word sequences against the dictionary; fuzzy only in the languages seen (plus English)."""

    def __init__(self, langs: set[str] | None = None) -> None:
        d = dictionary()
        self.d = d
        seen = langs or set()
        self.fuzzy: list[Label] = [lab for lang in sorted(seen | {"en"}) for lab in d.by_lang.get(lang, [])
                                   if len(lab.norm) >= 6]
        if not seen:
            # No label read exactly (OCR garbles an accent in each: "Direccién"), so the language is unknown:
            # long labels of every language, too long to match ordinary UI text by chance.
            self.fuzzy += [lab for lang in sorted(d.by_lang) if lang != "en" for lab in d.by_lang[lang]
                           if len(lab.norm) >= LONG_LABEL]
        # By length: a lookup only visits labels whose length is within its fuzzy window (order kept).
        self._by_len: dict[int, list[tuple[int, Label]]] = {}
        for i, lab in enumerate(self.fuzzy):
            self._by_len.setdefault(len(lab.norm), []).append((i, lab))

    def lookup(self, text: str) -> Label | None:
        norm = normalise(text)
        if not norm:
            return None
        hit = self.d.exact.get(norm)
        if hit is not None:
            return hit
        cutoff = fuzzy_cutoff(norm)
        if cutoff >= 1.0:
            return None
        best: tuple[float, Label | None] = (0.0, None)
        sm = difflib.SequenceMatcher(autojunk=False)
        sm.set_seq2(norm)
        n = len(norm)
        span = int(n * 0.2 + 1)
        candidates = sorted(c for size in range(n - span, n + span + 1) for c in self._by_len.get(size, ()))
        for _, lab in candidates:  # in list order: the first of equally good matches wins, as before
            sm.set_seq1(lab.norm)
            if sm.real_quick_ratio() < cutoff or sm.quick_ratio() < cutoff:
                continue
            r = sm.ratio()
            if r >= cutoff and r > best[0]:
                best = (r, lab)
        return best[1]


def languages_seen(texts: list[str]) -> set[str]:
    """Languages whose labels occur verbatim in the OCR'd text (to focus fuzzy matching)."""
    d = dictionary()
    counts: dict[str, float] = {}  # weighted hits per language
    for t in texts:
        norm = normalise(t)
        words = norm.split()
        for i in range(len(words)):
            for k in range(1, min(d.max_words, len(words) - i) + 1):
                key = " ".join(words[i:i + k])
                if len(key) >= 8 and key in d.exact:
                    langs = d.langs_of[key]
                    for lang in langs:  # labels shared by many languages say little
                        counts[lang] = counts.get(lang, 0.0) + 1.0 / len(langs)
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:2]
    return {lang for lang, n in top if n >= 1}


@lru_cache(maxsize=1)
def label_vocabulary() -> frozenset[str]:
    """Every word of every label and payment-method name: such words are never treated as secrets."""
    words = {w for norm in dictionary().exact for w in norm.split()}
    words.update(w for name in payment_method_names() for w in name.split())
    words.update({"days", "day", "buyer", "seller", "btc", "not", "signed", "yet", "created", "ago", "age"})
    return frozenset(words)
