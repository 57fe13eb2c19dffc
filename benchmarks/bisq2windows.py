# ruff: noqa: E501
"""Bisq 2 windows for the screenshot benchmark, with ground truth (registered into bisqwindows' tables).

- `bisq2-chat`: a Bisq Easy trade chat. The seller's system message "{0} has sent the payment account data:"
  followed by free text over several lines (no field labels, or the seller's own), the buyer's "{0} has sent the
  Bitcoin address ''{1}''", ordinary messages, and the BTC-sent message with its transaction ID.
- `bisq2-trade-details`: the trade details overlay: Trade ID, Traders / Role, amounts, Peer network address,
  Payment account data (free text), BTC payment address or Lightning invoice, transaction ID or preimage,
  assigned mediator.
Bisq 2's dark default theme (its own palette, not Bisq 1's), IBM Plex Sans as in Bisq 2. Bisq 2's strings come
from resources/bisq/window_labels.json (its i18n bundles) in the requested language, English where a string is
not in that table. Personal: the account data, the BTC address / invoice. Keep: IDs, onions, tx ID, preimage,
user names, amounts, labels.
"""

from __future__ import annotations

import json
import random
from typing import Any

import bisqwindows as bw

REPO = bw.REPO
BISQ2_DARK = {"bg": (29, 29, 29), "win": (38, 38, 38), "text": (230, 230, 230), "label": (140, 140, 140),
              "field": (45, 45, 45), "border": (60, 60, 60), "title": (245, 245, 245), "accent": (86, 174, 72),
              "popup": (48, 48, 48), "shade": (0, 0, 0, 140)}
BISQ2_LIGHT = {**bw.LIGHT, "accent": (86, 174, 72)}
NICKS = ["Sprocket", "BitBeaver", "NodeRunner", "FiatFree", "Satsoshi", "Kettle"]
HEX = "0123456789abcdef"
_TABLES: dict[str, dict[str, str]] = json.loads((REPO / "resources" / "bisq" / "window_labels.json").read_text(encoding="utf-8"))["bisq2"]
K = "bisqEasy.openTrades.tradeDetails."


def _s(lang: str, key: str, default: str) -> str:
    return _TABLES.get(lang, {}).get(key) or _TABLES["en"].get(key) or default


def _palette(c: bw.Canvas) -> dict[str, Any]:
    return BISQ2_DARK if c.t is bw.DARK else BISQ2_LIGHT


def _trade_id(dt: bw.Data, rng: random.Random) -> str:
    """The trade the window shows: the one given to render() when it is a Bisq 2 ID, else a random one."""
    tid = dt.trade_id
    return tid if len(tid) == 36 and tid[14] == "3" else _v3(rng)


def _v3(rng: random.Random) -> str:
    h = lambda n: "".join(rng.choice(HEX) for _ in range(n))  # noqa: E731
    return f"{h(8)}-{h(4)}-3{h(3)}-{rng.choice('89ab')}{h(3)}-{h(12)}"


def _account_lines(dt: bw.Data, rng: random.Random) -> list[str]:
    """What a seller types into a Bisq Easy account: free text, any shape."""
    return rng.choice([
        [dt.name, f"IBAN {dt.iban}", f"BIC {dt.bic} {dt.bank}"],
        [f"{dt.name}, {dt.street}", dt.city, f"{dt.iban}"],
        [f"Revolut {dt.username} or {dt.phone}", f"name on the account: {dt.name}"],
        [f"{dt.first} {dt.last} {dt.email}", f"Konto {dt.account_no} {dt.bank}"],
    ])


def bisq2_chat(c: bw.Canvas, x0: int, y0: int, lang: str, dt: bw.Data, rng: random.Random) -> None:
    p = _palette(c)
    font, small, bold = c.font("Regular", 13), c.font("Regular", 11), c.font("Bold", 14)
    width, lh = c.px(760), round(19 * c.s)
    seller, buyer = rng.sample(NICKS, 2)
    trade_id = _trade_id(dt, rng)
    account = _account_lines(dt, rng)
    sent = _s(lang, "bisqEasy.tradeState.info.seller.phase1.tradeLogMessage", "{0} has sent the payment account data:\n{1}").split("\n")[0]
    addr = _s(lang, "bisqEasy.tradeState.info.buyer.phase1a.tradeLogMessage.MAIN_CHAIN", "{0} has sent the Bitcoin address ''{1}''").replace("''", "'")
    messages: list[tuple[str, list[list[tuple[str, str | None]]]]] = [
        (seller, [[(sent.replace("{0}", seller).replace("{1}", "").strip(), "mixed-nick:" + seller)]] + [[(t, "personal")] for t in account]),
        (buyer, [[("Thanks, I will pay within the hour.", None)]]),
        (buyer, [[(a, "mixed-nick:" + buyer) if i == 0 else (a, "personal") for i, a in enumerate(_split_addr(addr.replace("{0}", buyer), dt.btc[0]))]]),
        (seller, [[("BTC sent. Transaction ID:", None), (dt.txids[0][:40], "keep")]]),
    ]
    h = c.px(70) + sum(c.px(30) + len(body) * lh for _, body in messages)
    c.d.rectangle((x0, y0, x0 + width, y0 + h), fill=p["win"], outline=p["border"])
    c.text(x0 + c.px(20), y0 + c.px(14), f"{_s(lang, K + 'tradeId', 'Trade ID')}: ", bold, p["title"], None)
    c.text(x0 + c.px(20) + int(bold.getlength(f"{_s(lang, K + 'tradeId', 'Trade ID')}: ")), y0 + c.px(14), trade_id, bold, p["title"], "keep")
    y = y0 + c.px(60)
    for who, body in messages:
        c.text(x0 + c.px(24), y, who, small, p["label"], "keep")
        c.text(x0 + c.px(24) + int(small.getlength(who + "   ")), y, f"{rng.randint(10, 23)}:{rng.randint(10, 59)}", small, p["label"], None)
        y += c.px(18)
        top = y - c.px(4)
        c.d.rounded_rectangle((x0 + c.px(16), top, x0 + width - c.px(40), top + len(body) * lh + c.px(8)), radius=c.px(8), fill=p["popup"])
        for parts in body:
            x = x0 + c.px(26)
            for text, kind in parts:
                if kind and kind.startswith("mixed-nick:"):
                    x = _nick_then_other(c, x, y, text, kind.split(":", 1)[1], font, p)
                    continue
                start = x
                x = c.text(x, y, text, font, p["text"], kind) + int(font.getlength(" "))
                if kind == "personal":
                    asc, desc = font.getmetrics()
                    c.payment.append((start, y - c.px(3), x0 + width - c.px(40) - start, asc + desc + c.px(6)))
            y += lh
        y += c.px(12)
    c.screen_kind = "chat-first-message"


def _split_addr(text: str, address: str) -> list[str]:
    """"X has sent the Bitcoin address '{1}'" -> ["X has sent the Bitcoin address", "'bc1...'"]."""
    head, _, tail = text.partition("'{1}'")
    return [head.strip(), f"'{address}'" + tail.strip()]


def _nick_then_other(c: bw.Canvas, x: int, y: int, text: str, nick: str, font: Any, p: dict[str, Any]) -> int:
    """A system message's phrase: the nickname kept, the rest Bisq's own words (neither)."""
    for word in text.split(" "):
        kind = "keep" if word == nick else None
        x = c.text(x, y, word, font, p["text"], kind) + int(font.getlength(" "))
    return x


def bisq2_trade_details(c: bw.Canvas, x0: int, y0: int, lang: str, dt: bw.Data, rng: random.Random) -> None:
    p = _palette(c)
    font, bold = c.font("Regular", 13), c.font("Bold", 18)
    width, lh = c.px(900), round(30 * c.s)
    me, peer, mediator = rng.sample(NICKS, 3)
    lightning = rng.random() < 0.5
    free = " ".join(_account_lines(dt, rng))
    rows: list[tuple[str, str, str | None]] = [
        (_s(lang, K + "tradeId", "Trade ID"), _trade_id(dt, rng), "keep"),
        (_s(lang, K + "tradersAndRole", "Traders / Role"), f"{me} / {peer}", "keep"),
        ("Amount", f"{dt.btc_amount} = {dt.fiat}", "keep"),
        (_s(lang, K + "peerNetworkAddress", "Peer network address"), dt.onions[0], "keep"),
        (_s(lang, K + "paymentAccountData", "Payment account data"), free, "personal"),
    ]
    if lightning:
        invoice = "lnbc" + str(rng.randint(10, 999)) + "u1p" + "".join(rng.choice(bw.BECH) for _ in range(40))
        rows += [(_s(lang, K + "lightningInvoice", "Lightning invoice"), invoice, "personal"),
                 (_s(lang, K + "lightningPreImage", "Lightning preimage"), dt.txids[1][:48], "keep")]
    else:
        rows += [(_s(lang, K + "btcPaymentAddress", "BTC payment address"), dt.btc[0], "personal"),
                 ("Transaction ID", dt.txids[1][:48], "keep")]
    rows.append((_s(lang, K + "assignedMediator", "Assigned mediator"), mediator, "keep"))
    h = c.px(80) + len(rows) * lh
    c.d.rectangle((x0, y0, x0 + width, y0 + h), fill=p["win"], outline=p["border"])
    c.text(x0 + c.px(24), y0 + c.px(18), _s(lang, K + "headline", "Trade details"), bold, p["title"], None)
    y = y0 + c.px(70)
    value_x = x0 + c.px(250)
    right = x0 + width - c.px(24)
    for label, value, kind in rows:
        c.text(x0 + c.px(24), y, label, font, p["label"], None)
        if kind == "personal":
            c.d.rectangle((value_x - c.px(6), y - c.px(5), right, y + c.px(21)), fill=p["field"])
        c.text(value_x, y, value, font, p["text"], kind, clip_right=right - c.px(4))
        if kind == "personal":
            c.payment.append((value_x - c.px(6), y - c.px(5), right - value_x + c.px(6), c.px(26)))
        y += lh
    c.screen_kind = "trade-details"


DEMO = {"chat-first-message": {"kind": "bisq2-chat", "lang": "en", "theme": "dark", "scale": 1.0, "seed": 31},
        "trade-details": {"kind": "bisq2-trade-details", "lang": "en", "theme": "dark", "scale": 1.0, "seed": 32}}


def write_demo(dest: Any, trade_id: str) -> list[Any]:
    """The Bisq 2 demo case's screenshots (tools/make_demo_bisq2.py): a trade chat and the trade details."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name, spec in DEMO.items():
        shot = bw.render(**spec, trade_id=trade_id)
        path = dest / f"{name}.png"
        shot.image.save(path)
        out.append(path)
    return out


def register() -> None:
    bw.WINDOWS.update({"bisq2-chat": bisq2_chat, "bisq2-trade-details": bisq2_trade_details})
    bw.SIZES.update({"bisq2-chat": (800, 520), "bisq2-trade-details": (940, 440)})
    bw.SCREEN_KINDS.update({"bisq2-chat": "chat-first-message", "bisq2-trade-details": "trade-details"})


register()


def fixed_sample() -> list[dict[str, Any]]:
    """Bisq 2 windows the tests assert the targets on: dark (Bisq 2's default) and light, three languages."""
    return [
        {"kind": "bisq2-chat", "lang": "en", "theme": "dark", "scale": 1.0, "busy": False, "fmt": "png", "seed": 21},
        {"kind": "bisq2-trade-details", "lang": "en", "theme": "dark", "scale": 1.0, "busy": False, "fmt": "png", "seed": 22},
        {"kind": "bisq2-chat", "lang": "de", "theme": "dark", "scale": 1.5, "busy": False, "fmt": "png", "seed": 23},
        {"kind": "bisq2-trade-details", "lang": "es", "theme": "light", "scale": 1.25, "busy": True, "fmt": "jpeg", "seed": 24},
    ]
