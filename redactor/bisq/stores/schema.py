"""Field numbers of the payment-account payloads Bisq persists, as facts (read from Bisq's public schemas:
Bisq 1 `proto/src/main/proto/pb.proto`, Bisq 2 `account/src/main/proto/account.proto`), and a decoder that
turns a payload into (field name, text) pairs.

Notation: a message maps field number -> leaf name (a text field) or ">Message" (a sub-message, one of a
`oneof` or a plain field) or "=map" (a map<string, string>, whose keys name the values). Only text leaves are
listed; numbers, booleans and byte fields are skipped like unknown fields.
"""

from __future__ import annotations

from redactor.bisq.stores.wire import LEN, MAX_DEPTH, WireError, fields, text

Schema = dict[str, dict[int, str]]


def seq(names: str, start: int = 1) -> dict[int, str]:
    """Consecutive text fields numbered from `start`: seq("holderName iban") -> {1: "holderName", 2: "iban"}."""
    return {start + i: n for i, n in enumerate(names.split())}


# Bisq 1 (pb.proto). PaymentAccountPayload: id 1, payment_method_id 2, the `oneof` 4-41, the exclude map 15.
BISQ1: Schema = {
    "PaymentAccountPayload": {1: "id", 2: "paymentMethodId", 15: "=map", **{
        n: ">" + m for n, m in {
            4: "AliPay", 5: "ChaseQuickPay", 6: "ClearXchange", 7: "CountryBased", 8: "Crypto", 9: "FasterPayments",
            10: "InteracETransfer", 11: "OKPay", 12: "PerfectMoney", 13: "Swish", 14: "USPostalMoneyOrder",
            16: "Uphold", 17: "CashApp", 18: "MoneyBeam", 19: "Venmo", 20: "Popmoney", 21: "Revolut",
            22: "WeChatPay", 23: "MoneyGram", 24: "HalCash", 25: "PromptPay", 26: "AdvancedCash",
            27: "InstantCrypto", 28: "JapanBank", 29: "Transferwise", 30: "AustraliaPayid", 31: "AmazonGiftCard",
            32: "CashByMail", 33: "Capitual", 34: "Paysera", 35: "Paxum", 36: "Swift", 37: "CelPay", 38: "Monese",
            39: "Verse", 40: "BsqSwap", 41: "Sbp"}.items()}},
    "CountryBased": {1: "countryCode", **{n: ">" + m for n, m in {
        2: "Bank", 3: "CashDeposit", 4: "Sepa", 5: "WesternUnion", 6: "SepaInstant", 7: "F2F", 9: "Upi", 10: "Paytm",
        11: "IfscBased", 12: "Nequi", 13: "Bizum", 14: "Pix", 15: "Satispay", 16: "Strike", 17: "Tikkie",
        18: "TransferwiseUsd", 19: "MercadoPago"}.items()}},
    "Bank": {**seq("holderName bankName bankId branchId accountNr accountType holderTaxId email"),
             12: "nationalAccountId", 9: ">Empty", 10: ">Empty", 11: ">SpecificBanks", 13: ">HolderAddress",
             14: ">HolderAddress"},
    "IfscBased": {**seq("holderName accountNr ifsc"), 4: ">Empty", 5: ">Empty", 6: ">Empty"},
    "Empty": {},
    "BsqSwap": {},
    "SpecificBanks": seq("acceptedBanks"),
    "HolderAddress": seq("holderAddress"),
    "AliPay": seq("accountNr"), "WeChatPay": seq("accountNr"), "OKPay": seq("accountNr"),
    "PerfectMoney": seq("accountNr"), "AdvancedCash": seq("accountNr"), "Capitual": seq("accountNr"),
    "ChaseQuickPay": seq("email holderName"),
    "ClearXchange": seq("holderName emailOrMobileNr"),
    "CashDeposit": seq("holderName holderEmail bankName bankId branchId accountNr accountType requirements "
                       "holderTaxId nationalAccountId"),
    "JapanBank": seq("bankName bankCode bankBranchName bankBranchCode bankAccountType bankAccountName "
                     "bankAccountNumber"),
    "AustraliaPayid": seq("bankAccountName payid"),
    "MoneyGram": seq("holderName countryCode state email"),
    "HalCash": seq("mobileNr"), "Nequi": seq("mobileNr"), "Bizum": seq("mobileNr"),
    "WesternUnion": seq("holderName city state email"),
    "AmazonGiftCard": seq("emailOrMobileNr countryCode"),
    "Sepa": seq("holderName iban bic email acceptedCountryCodes"),
    "SepaInstant": seq("holderName iban bic acceptedCountryCodes"),
    "Crypto": seq("address"), "InstantCrypto": seq("address"),
    "FasterPayments": seq("sortCode accountNr email"),
    "InteracETransfer": seq("email holderName question answer"),
    "Uphold": seq("accountId accountOwner"),
    "CashApp": seq("cashTag"),
    "MoneyBeam": seq("accountId"),
    "Venmo": seq("venmoUserName holderName"),
    "Popmoney": seq("accountId holderName"),
    "Revolut": seq("accountId userName"),
    "Swish": seq("mobileNr holderName"),
    "USPostalMoneyOrder": seq("postalAddress holderName"),
    "F2F": seq("contact city extraInfo"),
    "Upi": seq("virtualPaymentAddress"),
    "Paytm": seq("emailOrMobileNr"),
    "CashByMail": seq("postalAddress contact extraInfo"),
    "PromptPay": seq("promptPayId"),
    "Transferwise": seq("email"), "Paysera": seq("email"), "Paxum": seq("email"), "CelPay": seq("email"),
    "TransferwiseUsd": seq("email holderName beneficiaryAddress"),
    "Pix": seq("pixKey"),
    "Monese": seq("mobileNr holderName"), "Satispay": seq("mobileNr holderName"),
    "Strike": seq("holderName"), "Verse": seq("holderName"),
    "Tikkie": seq("iban"),
    "MercadoPago": seq("holderName holderId"),
    "Swift": seq("beneficiaryName beneficiaryAccountNr beneficiaryAddress beneficiaryCity beneficiaryPhone "
                 "specialInstructions bankSwiftCode bankCountryCode bankName bankBranch bankAddress "
                 "intermediarySwiftCode intermediaryCountryCode intermediaryName intermediaryBranch "
                 "intermediaryAddress"),
    "Sbp": seq("holderName mobileNumber bankName"),
}

# Bisq 2 (account.proto). AccountPayload: id 1, salt 2 (bytes), the `oneof` 20-40 and 100.
BISQ2: Schema = {
    "AccountPayload": {1: "id", **{n: ">" + m for n, m in {
        20: "UserDefinedFiat", 30: "AdvancedCash", 31: "CashByMail", 32: "CountryBased", 33: "MercadoPago",
        34: "Monese", 35: "Paysera", 36: "PerfectMoney", 37: "Revolut", 38: "Satispay", 39: "Uphold", 40: "Wise",
        100: "CryptoAsset"}.items()}},
    "CountryBased": {1: "countryCode", **{n: ">" + m for n, m in {
        20: "AliPay", 21: "AmazonGiftCard", 22: "Bank", 23: "Bizum", 24: "F2F", 25: "FasterPayments",
        26: "HalCash", 27: "Imps", 28: "InteracETransfer", 29: "MoneyBeam", 30: "MoneyGram", 31: "Neft",
        32: "PayId", 33: "Pin4", 34: "Pix", 35: "PromptPay", 36: "Sbp", 37: "Sepa", 38: "SepaInstant",
        39: "Strike", 40: "Swift", 41: "Swish", 42: "Upi", 43: "USPostalMoneyOrder", 44: "WeChatPay",
        45: "WiseUsd", 46: "Zelle"}.items()}},
    "Bank": {**seq("selectedCurrencyCode holderName holderId bankName bankId branchId accountNr"),
             9: "nationalAccountId", 20: ">HolderAddress", 21: ">Currency", 22: ">Requirements", 23: ">Empty",
             24: ">HolderAddress"},
    "HolderAddress": seq("holderAddress"), "Currency": seq("selectedCurrencyCode"),
    "Requirements": seq("requirements"), "Empty": {},
    "UserDefinedFiat": {2: "accountData"},
    "CryptoAsset": {**seq("currencyCode address"), 7: "autoConfExplorerUrls", 10: ">Monero", 11: ">Empty"},
    "Monero": {2: "mainAddress", 3: "privateViewKey", 4: "subAddress"},
    "AdvancedCash": seq("selectedCurrencyCodes accountNr"),
    "AliPay": seq("accountNr"), "WeChatPay": seq("accountNr"),
    "AmazonGiftCard": seq("selectedCurrencyCode emailOrMobileNr"),
    "Bizum": seq("mobileNr"), "HalCash": seq("mobileNr"), "Pin4": seq("mobileNr"),
    "CashByMail": seq("selectedCurrencyCode postalAddress contact extraInfo"),
    "F2F": seq("selectedCurrencyCode contact city extraInfo"),
    "FasterPayments": seq("holderName sortCode accountNr"),
    "Imps": seq("holderName accountNr ifsc"), "Neft": seq("holderName accountNr ifsc"),
    "InteracETransfer": seq("holderName email question answer"),
    "MercadoPago": seq("holderName holderId"),
    "Monese": seq("selectedCurrencyCodes holderName mobileNr"),
    "MoneyBeam": seq("holderName emailOrMobileNr"),
    "MoneyGram": seq("selectedCurrencyCodes holderName email state"),
    "PayId": seq("holderName payId"),
    "Paysera": seq("selectedCurrencyCodes email"),
    "PerfectMoney": seq("selectedCurrencyCode accountNr"),
    "Pix": seq("holderName pixKey"),
    "PromptPay": seq("promptPayId"),
    "Revolut": seq("userName selectedCurrencyCodes"),
    "Satispay": seq("holderName mobileNr"),
    "Sbp": seq("holderName mobileNumber bankName"),
    "Sepa": seq("holderName iban bic acceptedCountryCodes"),
    "SepaInstant": seq("holderName iban bic acceptedCountryCodes"),
    "Strike": seq("holderName"),
    "Swift": seq("beneficiaryName beneficiaryAccountNr beneficiaryPhone beneficiaryAddress selectedCurrencyCode "
                 "bankSwiftCode bankName bankBranch bankAddress intermediaryBankCountryCode "
                 "intermediaryBankSwiftCode intermediaryBankName intermediaryBankBranch intermediaryBankAddress "
                 "additionalInstructions"),
    "Swish": seq("holderName mobileNr"),
    "Upi": seq("virtualPaymentAddress"),
    "USPostalMoneyOrder": seq("holderName postalAddress"),
    "Uphold": seq("selectedCurrencyCodes holderName accountId"),
    "Wise": seq("selectedCurrencyCodes holderName email"),
    "WiseUsd": seq("holderName email beneficiaryAddress"),
    "Zelle": seq("holderName emailOrMobileNr"),
}

# Fields that name no person and no account (facts.md §5d "lower risk" and "safe to keep").
NOT_PERSONAL = frozenset({
    "id", "paymentMethodId", "countryCode", "acceptedCountryCodes", "bankCountryCode", "intermediaryCountryCode",
    "intermediaryBankCountryCode", "accountType", "bankAccountType", "selectedCurrencyCode",
    "selectedCurrencyCodes", "currencyCode", "autoConfExplorerUrls", "reserved0", "reserved1", "reserved2",
    "reserved3"})


def leaves(data: bytes | memoryview, message: str, schema: Schema, depth: int = 0) -> list[tuple[str, str]]:
    """Every (leaf name, text) under `message`, in file order; fields the schema does not know are skipped (a
    newer Bisq), missing ones simply absent (an older one). Raises WireError on malformed bytes."""
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    spec = schema.get(message, {})
    out: list[tuple[str, str]] = []
    for number, wire, value in fields(data):
        kind = spec.get(number)
        if kind is None or wire != LEN or not isinstance(value, memoryview):
            continue
        if kind.startswith(">"):
            out += leaves(value, kind[1:], schema, depth + 1)
        elif kind == "=map":
            entry = {n: text(v) for n, _w, v in fields(value)}
            key, val = entry.get(1), entry.get(2)
            if key and val:
                out.append((key, val))
        else:
            s = text(value)
            if s is not None:
                out.append((kind, s))
    return out


def personal(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs that hold personal data: not an ID, a country, a currency or an account type, and not empty."""
    return [(k, v.strip()) for k, v in pairs if k not in NOT_PERSONAL and v.strip()]
