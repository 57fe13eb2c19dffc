"""Extract the Bisq UI strings that name windows (titles, headlines, step names) from Bisq's own translations.

Writes resources/bisq/window_labels.json, the table `redactor.image.kinds` recognises screenshots by. Run it
against git checkouts (or bare mirrors) of bisq-network/bisq and bisq-network/bisq2:

    python tools/extract_window_labels.py --bisq PATH --bisq2 PATH

It reads only .properties files (data, not code) with `git show`, at the commit each repository is at, and
records those commits in the output. Languages: the 16 Bisq 1 speaks; Bisq 2 files of the same languages.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "bisq" / "window_labels.json"

BISQ1_LANGS = ("cs", "de", "en", "es", "fa", "fr", "it", "ja", "pl", "pt", "pt-br", "ru", "th", "vi",
               "zh-hans", "zh-hant")
# Bisq 2 names some of the same languages differently.
BISQ2_SUFFIX = {"en": "", "pt": "_pt_PT", "pt-br": "_pt_BR", "zh-hans": "_zh-Hans", "zh-hant": "_zh-Hant"}

BISQ1_FILE = "core/src/main/resources/i18n/displayStrings{suffix}.properties"
BISQ1_KEYS = (
    "popup.headline.error", "popup.headline.warning", "popup.headline.attention", "popup.attention.forTradeWithId",
    "popup.reportError.gitHub", "popup.reportError.log", "portfolio.pending.failedTrade.info.popup",
    "tradeDetailsWindow.headline", "tradeDetailsWindow.tradingPeersOnion", "tradeDetailsWindow.txFee",
    "tradeDetailsWindow.tradeState", "tradeDetailsWindow.detailData", "tradeDetailsWindow.agentAddresses",
    "contractWindow.title", "contractWindow.contractHash", "contractWindow.onions", "contractWindow.btcAddresses",
    "contractWindow.accountAge", "contractWindow.numDisputes", "contractWindow.dates",
    "tradeChat.chatWindowTitle", "disputeChat.chatWindowTitle", "support.systemMsg", "tradeChat.rules",
    "support.youOpenedDisputeForMediation", "support.peerOpenedDisputeForMediation", "support.youOpenedDispute",
    "support.peerOpenedDispute", "support.youOpenedTicket", "support.peerOpenedTicket",
    "portfolio.pending.tradeInformation", "portfolio.pending.remainingTime", "portfolio.pending.step1.waitForConf",
    "portfolio.pending.step2_buyer.startPayment", "portfolio.pending.step2_buyer.startPaymentUsing",
    "portfolio.pending.step2_buyer.amountToTransfer", "portfolio.pending.step2_buyer.paymentStarted",
    "portfolio.pending.step2_seller.waitPaymentStarted", "portfolio.pending.step3_buyer.waitPaymentArrived",
    "portfolio.pending.step3_seller.confirmPaymentReceived", "portfolio.pending.step3_seller.confirmPaymentReceipt",
    "portfolio.pending.step3_seller.amountToReceive", "portfolio.pending.step3_seller.buyersAccount",
    "portfolio.pending.step3_seller.yourAccount", "portfolio.pending.step5.completed",
    "portfolio.pending.mediationResult.popup.headline", "disputeSummaryWindow.title",
    "portfolio.pending.step3_seller.onPaymentReceived.confirm.headline",
    "portfolio.pending.step2_buyer.confirmStart.headline",
)

BISQ2_DIR = "i18n/src/main/resources/"
BISQ2_KEYS = {
    "application": ("popup.headline.error", "popup.headline.warning", "popup.headline.attention",
                "popup.headline.failure"),
    "bisq_easy": ("bisqEasy.openTrades.tradeDetails.headline", "bisqEasy.openTrades.tradeDetails.tradeId",
                  "bisqEasy.openTrades.tradeDetails.peerNetworkAddress",
                  "bisqEasy.openTrades.tradeDetails.paymentAccountData",
                  "bisqEasy.openTrades.tradeDetails.btcPaymentAddress", "bisqEasy.openTrades.tradeDetails.lightningInvoice",
                  "bisqEasy.openTrades.tradeDetails.lightningPreImage",
                  "bisqEasy.openTrades.tradeDetails.tradersAndRole",
                  "bisqEasy.openTrades.tradeDetails.assignedMediator",
                  "bisqEasy.tradeState.info.seller.phase1.tradeLogMessage",
                  "bisqEasy.takeOffer.tradeLogMessage", "bisqEasy.tradeState.info.buyer.phase1a.tradeLogMessage.LN",
                  "bisqEasy.tradeState.info.buyer.phase1a.tradeLogMessage.MAIN_CHAIN",
                  "bisqEasy.tradeState.info.buyer.phase2a.tradeLogMessage",
                  "bisqEasy.mediation.requester.tradeLogMessage"),
    "chat": ("chat.private.chatRulesWarningMessage.text", "chat.message.takeOffer.seller.insufficientScore.headline",
             "chat.message.takeOffer.buyer.invalidOffer.headline"),
}

_UNICODE = re.compile(r"\\u([0-9a-fA-F]{4})")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f"}


def parse_properties(text: str) -> dict[str, str]:
    """Java .properties: `key=value`, `\\` continues a line, \\uXXXX and \\n escapes, # and ! comments."""
    out: dict[str, str] = {}
    logical: list[str] = []
    for raw in text.splitlines():
        line = raw.lstrip() if not logical else raw.lstrip()
        if not logical and (not line or line[0] in "#!"):
            continue
        if line.endswith("\\") and not line.endswith("\\\\"):
            logical.append(line[:-1])
            continue
        logical.append(line)
        entry, logical = "".join(logical), []
        key, sep, value = entry.partition("=")
        if sep:
            out[key.strip()] = _unescape(value.lstrip())
    return out


def _unescape(value: str) -> str:
    value = _UNICODE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), value)


def _git_show(repo: Path, path: str) -> str | None:
    done = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, check=False)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def _commit(repo: Path) -> str:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def bisq1_table(repo: Path) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for lang in BISQ1_LANGS:
        text = _git_show(repo, BISQ1_FILE.format(suffix="" if lang == "en" else f"_{lang}"))
        if text is None:
            continue
        props = parse_properties(text)
        table[lang] = {k: props[k] for k in BISQ1_KEYS if k in props}
    return table


def bisq2_table(repo: Path) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for lang in BISQ1_LANGS:
        suffix = BISQ2_SUFFIX.get(lang, f"_{lang}")
        entries: dict[str, str] = {}
        for bundle, keys in BISQ2_KEYS.items():
            text = _git_show(repo, f"{BISQ2_DIR}{bundle}{suffix}.properties")
            if text is not None:
                props = parse_properties(text)
                entries.update({k: props[k] for k in keys if k in props})
        if entries:
            table[lang] = entries
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bisq", type=Path, required=True, help="git checkout or mirror of bisq-network/bisq")
    ap.add_argument("--bisq2", type=Path, required=True, help="git checkout or mirror of bisq-network/bisq2")
    args = ap.parse_args()
    data = {
        "_about": ("Bisq UI strings that name windows, from Bisq's translations: bisq-network/bisq "
                   f"{BISQ1_FILE.format(suffix='*')} at {_commit(args.bisq)}, bisq-network/bisq2 {BISQ2_DIR}"
                   f"{{application,bisq_easy,chat}}*.properties at {_commit(args.bisq2)}. Missing keys fall back to "
                   "English, as in Bisq. Regenerate with tools/extract_window_labels.py."),
        "bisq1": bisq1_table(args.bisq),
        "bisq2": bisq2_table(args.bisq2),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
