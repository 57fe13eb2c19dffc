# ruff: noqa: E501
"""Realistic synthetic Bisq windows with ground truth, for the screenshot redactor's tests and benchmark.

Each window is drawn with IBM Plex (Bisq's own font, resources/fonts) following the layouts in
../shared/bisq/facts.md §4–§5: Trade details (918 px, label left of value), Dispute details (1168 px),
buyer step 2 "Start payment using …" and account forms (small label above a bordered field), popups with
"Label: value" lines, a popup over a form whose fields still show behind it, an error popup and a trader chat.
Labels come from resources/bisq/labels.json in the requested Bisq language. Themes light/dark, scale 1×–2×,
optionally placed over a busy desktop background.

Ground truth per window (`Shot`):
- `personal`: every word of personal data as drawn (text + pixel box); the redactor must destroy all of them.
- `keep`: words of IDs, tx IDs, onions, addresses, amounts, dates and labels that must stay untouched.
- `payment`: boxes of the payment value cells (the area a redactor may legitimately fill, to the cell's end).
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from redactor.bisq.labels import all_labels

REPO = Path(__file__).resolve().parent.parent
FONTS = REPO / "resources" / "fonts"

Rect = tuple[int, int, int, int]  # x, y, w, h


@dataclass
class GtWord:
    text: str
    box: Rect
    kind: str  # "personal" | "keep"


@dataclass
class Shot:
    name: str
    image: Image.Image
    personal: list[GtWord] = field(default_factory=list)
    keep: list[GtWord] = field(default_factory=list)
    payment: list[Rect] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


LIGHT = {"bg": (244, 244, 244), "win": (255, 255, 255), "text": (51, 51, 51), "label": (120, 120, 120),
         "field": (255, 255, 255), "border": (205, 205, 205), "title": (37, 37, 37), "accent": (37, 178, 90),
         "popup": (250, 250, 250), "shade": (0, 0, 0, 110)}
DARK = {"bg": (30, 30, 32), "win": (41, 41, 42), "text": (225, 225, 225), "label": (150, 150, 150),
        "field": (32, 32, 34), "border": (70, 70, 72), "title": (240, 240, 240), "accent": (37, 178, 90),
        "popup": (50, 50, 52), "shade": (0, 0, 0, 140)}

FIRST = ["Alice", "Jürgen", "María", "François", "João", "Bernadette", "Sven", "Lucía", "Mohammed", "Katarzyna",
         "Olivier", "Beatriz", "Henrik", "Chiara", "Tomasz", "Ingrid"]
LAST = ["Müller", "García", "Dubois", "Pereira", "Kowalski", "Lindqvist", "Rossi", "Schneider", "Fernández",
        "Oliveira", "Nakamura", "Johansson", "Moreau", "Hoffmann", "Santos", "Bianchi"]
STREETS = ["Hauptstraße 12", "Calle Mayor 7", "Rue de la Paix 21", "Rua Augusta 155", "Kungsgatan 4"]
CITIES = ["10115 Berlin", "28013 Madrid", "75002 Paris", "1100-048 Lisboa", "111 57 Stockholm"]
BANKS = ["Commerzbank", "Banco Santander", "BNP Paribas", "Caixa Geral", "Nordea Bank"]
B32 = "abcdefghijklmnopqrstuvwxyz234567"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _font(weight: str, px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"IBMPlexSans-{weight}.ttf"), max(6, round(px)))


class Data:
    """Random but well-formed personal values and identifiers."""

    def __init__(self, rng: random.Random) -> None:
        r = rng
        self.first, self.last = r.choice(FIRST), r.choice(LAST)
        self.name = f"{self.first} {self.last}"
        cc = r.choice(["DE", "ES", "FR", "PT", "NL", "AT"])
        self.iban = cc + f"{r.randint(10, 99)}" + "".join(r.choice("0123456789") for _ in range(18))
        # bank (4 letters) + the IBAN's country + location (2) + optional branch (3), as real BICs are.
        self.bic = "".join(r.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(4)) + cc + r.choice(["FF", "MM", "2X", "BB"]) + r.choice(["XXX", "", "100"])
        user = (self.first[0] + self.last).lower().translate(str.maketrans("üéíçãáñ", "ueicaan"))
        self.email = f"{user}{r.randint(1, 99)}@{r.choice(['gmail.com', 'posteo.de', 'proton.me', 'web.de', 'yahoo.es'])}"
        self.phone = f"+{r.choice(['49', '34', '33', '351', '1'])} {r.randint(100, 999)} {r.randint(100, 999)} {r.randint(1000, 9999)}"
        self.street, self.city = r.choice(STREETS), r.choice(CITIES)
        self.bank = r.choice(BANKS)
        self.account_no = "".join(r.choice("0123456789") for _ in range(10))
        self.username = user + str(r.randint(10, 99))
        prefix = "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789") for _ in range(r.randint(5, 8)))
        h = lambda n: "".join(r.choice("0123456789abcdef") for _ in range(n))  # noqa: E731
        self.trade_id = f"{prefix}-{h(8)}-{h(4)}-{h(4)}-{h(4)}-{h(12)}-{r.choice(['1104', '1923', '196'])}"
        self.short_id = prefix
        self.txids = [h(64) for _ in range(6)]
        self.onions = ["".join(r.choice(B32) for _ in range(55)) + "d.onion:9999" for _ in range(4)]
        self.btc = ["bc1q" + "".join(r.choice(BECH) for _ in range(38)) for _ in range(2)]
        self.date = f"{r.choice(['Aug', 'Sep', 'Oct', 'Nov'])} {r.randint(1, 28)}, 2026 {r.randint(1, 12)}:{r.randint(10, 59)}:{r.randint(10, 59)} {r.choice(['AM', 'PM'])}"
        self.btc_amount = f"0.{r.randint(1, 9):02d}00 BTC"
        self.fiat = f"{r.randint(100, 2500)}.00 EUR"
        self.price = f"{r.randint(55000, 99000):,}.{r.randint(10, 99)} EUR"
        self.age_days = r.randint(30, 900)


class Canvas:
    """Draws text and records ground truth words."""

    def __init__(self, w: int, h: int, theme: dict[str, Any], scale: float) -> None:
        self.im = Image.new("RGB", (w, h), theme["bg"])
        self.d = ImageDraw.Draw(self.im)
        self.t = theme
        self.s = scale
        self.personal: list[GtWord] = []
        self.keep: list[GtWord] = []
        self.payment: list[Rect] = []
        self.other: list[str] = []  # drawn words that are neither personal nor checked keep fields
        self.screen_kind: str | None = None  # what a person sees it is, when the window kind does not say

    def px(self, v: float) -> int:
        return round(v * self.s)

    def font(self, weight: str, size: float) -> ImageFont.FreeTypeFont:
        return _font(weight, size * self.s)

    def text(self, x: int, y: int, text: str, font: ImageFont.FreeTypeFont, fill: tuple[int, int, int],
             kind: str | None, clip_right: int | None = None, personal_from: int = 0,
             prefix_kind: str | None = "keep") -> int:
        """Draw `text`; record each word as `kind` ("personal"/"keep"/None). Words from character index
        `personal_from` on count as personal when kind == "mixed". Returns the x after the text."""
        if clip_right is not None:
            layer = Image.new("RGBA", self.im.size, (0, 0, 0, 0))
            ImageDraw.Draw(layer).text((x, y), text, font=font, fill=fill + (255,))
            layer = layer.crop((0, 0, clip_right, self.im.size[1]))
            self.im.paste(layer, (0, 0), layer)
        else:
            self.d.text((x, y), text, font=font, fill=fill)
        asc, desc = font.getmetrics()
        pos = 0
        for word in text.split(" "):
            start = text.index(word, pos) if word else pos
            pos = start + len(word)
            if not word:
                continue
            if kind is None:
                self.other.append(word)
                continue
            left, top, right, bottom = font.getbbox(word)  # the word's ink, not its advance box
            x0 = x + font.getlength(text[:start]) + left
            x1 = x + font.getlength(text[:start]) + right
            if clip_right is not None:
                if x0 >= clip_right - 2:
                    continue
                x1 = min(x1, clip_right)
            k = kind if kind != "mixed" else ("personal" if start >= personal_from else prefix_kind)
            if k is None:
                self.other.append(word)
                continue
            gt = GtWord(word, (int(x0), y + top, max(1, int(x1 - x0)), max(1, bottom - top)), k)
            (self.personal if k == "personal" else self.keep).append(gt)
        return int(x + font.getlength(text))

    def field_box(self, x: int, y: int, w: int, h: int) -> None:
        self.d.rectangle((x, y, x + w, y + h), fill=self.t["field"], outline=self.t["border"])


def _labels(lang: str) -> dict[str, str]:
    return all_labels()[lang]


def _payment_items(lang: str, method: str, dt: Data) -> tuple[str, list[tuple[str, str]]]:
    """(display name, [(label, value)]) of the peer's account for a payment method."""
    L = _labels(lang)
    if method == "SEPA":
        return "SEPA", [(L["payment.account.owner.fullname"], dt.name), (L["payment.iban"], dt.iban), ("BIC", dt.bic)]
    if method == "ZELLE":
        return "Zelle", [(L["payment.account.owner.fullname"], dt.name), (L["payment.email.mobile"], dt.email)]
    if method == "WISE":
        return "Wise", [(L["payment.email"], dt.email), (L["payment.account.owner.fullname"], dt.name)]
    if method == "NATIONAL_BANK":
        return L["NATIONAL_BANK"], [(L["payment.account.owner.name"], dt.name), (L["payment.bank.name"], dt.bank),
                                    (L["payment.accountNr"], dt.account_no)]
    if method == "REVOLUT":
        return "Revolut", [(L["payment.account.userName"], dt.username), (L["payment.mobile"] if "payment.mobile" in L else "Mobile no.", dt.phone)]
    raise ValueError(method)


METHODS = ("SEPA", "ZELLE", "WISE", "NATIONAL_BANK", "REVOLUT")


def _one_line(lang: str, method: str, dt: Data) -> tuple[str, str]:
    name, items = _payment_items(lang, method, dt)
    return name, name + " - " + ", ".join(f"{k}: {v}" for k, v in items)


def _draw_one_line_details(c: Canvas, x: int, y: int, right: int, lang: str, method: str, dt: Data,
                           font: ImageFont.FreeTypeFont, suffix: str = "") -> None:
    """A one-line payment-details value: the method name, then 'label: value' pairs, cut at `right`."""
    name, items = _payment_items(lang, method, dt)
    parts: list[tuple[str, str | None]] = [(name + " - ", None)]
    for i, (k, v) in enumerate(items):
        parts.append((k + ": ", None))
        parts.append((v + ("," if i < len(items) - 1 else "") + " ", "personal"))
    if suffix:
        parts.append((suffix, None))
    cx = x
    for text, kind in parts:
        if cx >= right - 2:
            break
        cx = c.text(cx, y, text.rstrip(" ") if text.endswith(" ") else text, font, c.t["text"], kind, clip_right=right)
        cx += int(font.getlength(" "))
    asc, desc = font.getmetrics()
    c.payment.append((x, y - c.px(3), right - x, asc + desc + c.px(6)))


def _window(c: Canvas, x: int, y: int, w: int, h: int) -> None:
    sh = c.px(6)
    c.d.rectangle((x + sh, y + sh, x + w + sh, y + h + sh), fill=tuple(max(0, v - 40) for v in c.t["bg"]))
    c.d.rectangle((x, y, x + w, y + h), fill=c.t["win"], outline=c.t["border"])


def _heading(c: Canvas, x: int, y: int, text: str) -> int:
    f = c.font("Bold", 16)
    c.text(x, y, text, f, c.t["title"], None)
    c.d.line((x, y + c.px(24), x + c.px(40), y + c.px(24)), fill=c.t["accent"], width=max(1, c.px(2)))
    return y + c.px(36)


def _label_value_window(c: Canvas, x0: int, y0: int, width: int, groups: list[tuple[str, list[tuple[str, str, str]]]],
                        lang: str, method: str, dt: Data) -> int:
    """Label-left-of-value rows; kind 'pay' draws one-line payment details cut at the window's edge."""
    s = c.s
    font = c.font("Regular", 13)
    label_w = max(int(font.getlength(lbl)) for _, rows in groups for lbl, _, _ in rows) + c.px(20)
    vx = x0 + c.px(25) + label_w
    right = x0 + width - c.px(25)
    y = y0 + c.px(20)
    for title, rows in groups:
        y = _heading(c, x0 + c.px(25), y, title)
        for lbl, val, kind in rows:
            c.text(x0 + c.px(25), y, lbl, font, c.t["label"], "keep")
            if kind == "pay":
                age = f"{_labels(lang)['shared.buyer']}"  # a short suffix word, like Bisq's account-age text
                _draw_one_line_details(c, vx, y, right, lang, val, dt, font, suffix=f"/ {dt.age_days} days ({age})")
            else:
                c.text(vx, y, val, font, c.t["text"], "keep" if kind == "keep" else None, clip_right=right)
            y += round(27 * s)
        y += c.px(14)
    return y


def trade_details(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random) -> None:
    L = _labels(lang)
    width = c.px(918)
    m1, m2 = rng.sample(METHODS, 1)[0], rng.sample(METHODS, 1)[0]
    pd = L["shared.paymentDetails"]
    groups = [
        (L["tradeDetailsWindow.headline"], [
            (L["shared.offerType"], "You are: BTC buyer (taker) / Maker is: BTC seller", ""),
            (L["shared.btcAmount"], dt.btc_amount, "keep"),
            (L["shared.tradePrice"], dt.price, "keep"),
            (L["shared.paymentMethod"], _payment_items(lang, m1, dt)[0], ""),
        ]),
        (L["shared.details"], [
            (L["shared.tradeId"], dt.trade_id, "keep"),
            (L["tradeDetailsWindow.tradeDate"], dt.date, "keep"),
            (L["shared.securityDeposit"], "Buyer: 0.0015 BTC / Seller: 0.0015 BTC", "keep"),
            (L["tradeDetailsWindow.tradingPeersOnion"], dt.onions[0], "keep"),
            (pd.replace("{0}", L["shared.buyer"]), m1, "pay"),
            (pd.replace("{0}", L["shared.seller"]), m2, "pay"),
            (L["shared.makerFeeTxId"], dt.txids[0], "keep"),
            (L["shared.takerFeeTxId"], dt.txids[1], "keep"),
            (L["shared.depositTransactionId"], dt.txids[2], "keep"),
            (L["shared.delayedPayoutTxId"], dt.txids[3], "keep"),
        ]),
    ]
    h = c.px(40) + sum(c.px(50) + len(r) * round(27 * c.s) for _, r in groups)
    _window(c, x0, y0, width, h)
    _label_value_window(c, x0, y0, width, groups, lang, "", dt)


def dispute_details(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random) -> None:
    L = _labels(lang)
    width = c.px(1168)
    m1, m2 = rng.sample(METHODS, 2)
    pd = L["shared.paymentDetails"]
    rows = [
        (L["shared.offerId"], dt.trade_id, "keep"),
        (L["contractWindow.dates"], f"{dt.date}", "keep"),
        (L["shared.tradePrice"], dt.price, "keep"),
        (L["shared.tradeAmount"], dt.btc_amount, "keep"),
        (L["contractWindow.btcAddresses"], f"{dt.btc[0]} / {dt.btc[1]}", "keep"),
        (L["contractWindow.onions"], f"{dt.onions[1]} / {dt.onions[2]}", "keep"),
        (pd.replace("{0}", L["shared.buyer"]), m1, "pay"),
        (pd.replace("{0}", L["shared.seller"]), m2, "pay"),
        (L["shared.selectedMediator"], f"@mediator_{dt.short_id.lower()}:matrix.org", ""),
        (L["shared.makerFeeTxId"], dt.txids[0], "keep"),
        (L["shared.takerFeeTxId"], dt.txids[1], "keep"),
        (L["shared.depositTransactionId"], dt.txids[2], "keep"),
        (L["contractWindow.contractHash"], dt.txids[4], "keep"),
    ]
    groups = [(L["contractWindow.title"], rows)]
    h = c.px(70) + len(rows) * round(27 * c.s)
    _window(c, x0, y0, width, h)
    _label_value_window(c, x0, y0, width, groups, lang, "", dt)


def _top_label_fields(c: Canvas, x0: int, y: int, width: int, fields: list[tuple[str, str, str]]) -> int:
    """Two columns of small-label-above-field items; kind 'personal' marks a payment field."""
    small = c.font("Regular", 11)
    font = c.font("Regular", 13)
    col_w = (width - c.px(75)) // 2
    fh = c.px(28)
    for i, (lbl, val, kind) in enumerate(fields):
        col = i % 2
        x = x0 + c.px(25) + col * (col_w + c.px(25))
        c.text(x, y, lbl, small, c.t["label"], "keep")
        fy = y + c.px(17)
        c.field_box(x, fy, col_w, fh)
        ty = fy + (fh - sum(font.getmetrics())) // 2
        if kind == "personal":
            pf = val.index(": ") + 2 if ": " in val[:30] else 0
            c.text(x + c.px(6), ty, val, font, c.t["text"], "mixed" if pf else "personal", clip_right=x + col_w - c.px(4),
                   personal_from=pf, prefix_kind=None)
            c.payment.append((x, fy, col_w + 1, fh + 1))
        else:
            c.text(x + c.px(6), ty, val, font, c.t["text"], "keep" if kind == "keep" else None, clip_right=x + col_w - c.px(4))
        if col == 1 or i == len(fields) - 1:
            y += c.px(58)
    return y


def start_payment(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random, method: str | None = None) -> None:
    L = _labels(lang)
    width = c.px(1000)
    method = method or rng.choice(METHODS)
    name, items = _payment_items(lang, method, dt)
    fields = [(L["portfolio.pending.step2_buyer.amountToTransfer"], dt.fiat, "keep"),
              (L["shared.paymentMethod"], name, "")]
    fields += [(k, v, "personal") for k, v in items]
    h = c.px(150) + ((len(fields) + 1) // 2) * c.px(58) + c.px(60)
    _window(c, x0, y0, width, h)
    font = c.font("Regular", 13)
    y = _heading(c, x0 + c.px(25), y0 + c.px(20), L["tradeDetailsWindow.headline"])
    c.text(x0 + c.px(25), y, L["shared.depositTransactionId"], font, c.t["label"], "keep")
    c.text(x0 + c.px(260), y, dt.txids[2], font, c.t["text"], "keep")
    y += c.px(40)
    y = _heading(c, x0 + c.px(25), y, L["portfolio.pending.step2_buyer.startPaymentUsing"].replace("{0}", name))
    y = _top_label_fields(c, x0, y, width, fields)
    c.d.rectangle((x0 + c.px(25), y + c.px(5), x0 + c.px(185), y + c.px(35)), fill=c.t["accent"])
    c.text(x0 + c.px(40), y + c.px(12), L["portfolio.pending.step2_buyer.paymentStarted"][:22], c.font("Medium", 12), (255, 255, 255), None)


def account_form(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random) -> None:
    L = _labels(lang)
    width = c.px(900)
    method = rng.choice(["SEPA", "ZELLE", "WISE"])
    name, items = _payment_items(lang, method, dt)
    acct_name = f"{name}: {dt.name}, {items[1][1] if method != 'WISE' else dt.email}"  # the method prefix is no secret
    fields = [(L["shared.paymentMethod"], name, "")]
    fields += [(k, v, "personal") for k, v in items]
    fields.append((L["payment.account.name"], acct_name, "personal"))
    h = c.px(110) + ((len(fields) + 1) // 2) * c.px(58)
    _window(c, x0, y0, width, h)
    y = _heading(c, x0 + c.px(25), y0 + c.px(20), L["payment.account"])
    _top_label_fields(c, x0, y, width, fields)


def popup(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random, width: int | None = None,
          kind: str | None = None) -> None:
    """A confirmation popup: multi-line text with 'Label: value' lines."""
    L = _labels(lang)
    width = width or c.px(620)
    font = c.font("Regular", 13)
    kind = kind or rng.choice(["receipt", "holder"])
    lines: list[tuple[str, str, str]] = []  # (label part, value part, kind of value)
    c.screen_kind = "trade-step" if kind == "receipt" else "other"  # the seller's step 3 popup, or account info
    if kind == "receipt":
        title = L["portfolio.pending.step3_seller.onPaymentReceived.confirm.headline"]
        lines = [("Please confirm that you have received the payment", "", ""),
                 (f"for trade {dt.short_id}.", "", ""),
                 ("Sender's name, per trade contract: ", dt.name, "personal"),
                 (f"{L['shared.tradeId']}: ", dt.trade_id, "keep"),
                 ("Amount: ", dt.fiat, "keep")]
    else:
        title = "US Postal Money Order"
        lines = [("Please send the money order to the seller:", "", ""),
                 ("Holder name: ", dt.name, "personal"),
                 (f"{L['payment.postal.address']}: ", f"{dt.street}, {dt.city}", "personal"),
                 (f"{L['payment.email']}: ", dt.email, "personal"),
                 (f"{L['shared.tradeId']}: ", dt.trade_id, "keep")]
    lh = round(22 * c.s)
    h = c.px(110) + len(lines) * lh
    c.d.rectangle((x0, y0, x0 + width, y0 + h), fill=c.t["popup"], outline=c.t["border"], width=max(1, c.px(1)))
    c.text(x0 + c.px(25), y0 + c.px(20), title, c.font("Bold", 15), c.t["title"], None)
    y = y0 + c.px(60)
    for lbl, val, k in lines:
        x = c.text(x0 + c.px(25), y, lbl.rstrip(), font, c.t["text"], "keep" if k else None)
        if val:
            x += int(font.getlength(" "))
            c.text(x, y, val, font, c.t["text"], k)
            if k == "personal":
                asc, desc = font.getmetrics()
                c.payment.append((x, y - c.px(3), x0 + width - c.px(20) - x, asc + desc + c.px(6)))
        y += lh


def popup_over_form(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random) -> None:
    start_payment(c, x0, y0, lang, dt, rng, method="SEPA")
    shade = Image.new("RGBA", c.im.size, c.t["shade"])
    base = c.im.convert("RGBA")
    c.im.paste(Image.alpha_composite(base, shade).convert("RGB"))
    c.d = ImageDraw.Draw(c.im)
    n_personal, n_keep = len(c.personal), len(c.keep)
    px, py, pw = x0 + c.px(300), y0 + c.px(170), c.px(560)
    popup(c, px, py, lang, dt, rng, width=pw, kind="holder")
    c.screen_kind = "trade-step"  # the seller's account, shown over the buyer's Start payment step
    ph = c.px(110) + 5 * round(22 * c.s)

    def hidden(b: Rect) -> bool:  # form words the popup covers are no longer in the picture
        return b[0] + b[2] > px and b[0] < px + pw and b[1] + b[3] > py and b[1] < py + ph
    c.personal = [g for g in c.personal[:n_personal] if not hidden(g.box)] + c.personal[n_personal:]
    c.keep = [g for g in c.keep[:n_keep] if not hidden(g.box)] + c.keep[n_keep:]


def error_popup(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random) -> None:
    font = c.font("Regular", 13)
    width = c.px(700)
    lh = round(22 * c.s)
    lines = [("An error occurred at task: ProcessDepositTxPublishedMessage", None),
             (f"Trade ID: {dt.trade_id}", "keep"),
             (f"Deposit tx: {dt.txids[2][:40]}", "keep"),
             ("Please contact the mediator. Peer contact:", None),
             (dt.email, "personal"),
             (f"Phone: {dt.phone}", "mixed")]
    h = c.px(130) + len(lines) * lh
    c.d.rectangle((x0, y0, x0 + width, y0 + h), fill=c.t["popup"], outline=(220, 60, 60), width=max(1, c.px(2)))
    c.text(x0 + c.px(25), y0 + c.px(20), "Error", c.font("Bold", 15), (220, 60, 60), None)
    y = y0 + c.px(60)
    for text, kind in lines:
        pf = len("Phone: ") if kind == "mixed" else 0
        c.text(x0 + c.px(25), y, text, font, c.t["text"], kind, personal_from=pf)
        if kind in ("personal", "mixed"):
            asc, desc = font.getmetrics()
            x = x0 + c.px(25) + int(font.getlength(text[:pf]))
            c.payment.append((x, y - c.px(3), x0 + width - c.px(20) - x, asc + desc + c.px(6)))
        y += lh
    c.d.rectangle((x0 + width - c.px(110), y + c.px(10), x0 + width - c.px(25), y + c.px(38)), fill=c.t["accent"])


def chat(c: Canvas, x0: int, y0: int, lang: str, dt: Data, rng: random.Random) -> None:
    font = c.font("Regular", 13)
    width = c.px(640)
    lh = round(20 * c.s)
    msgs: list[list[tuple[str, str | None]]] = [
        [(f"[System] Trade {dt.short_id} has started. Deposit tx:", "keep")],
        [(dt.txids[2][:44], "keep")],
        [("Hi, I sent the SEPA transfer from my account", None)],
        [("IBAN:", None), (dt.iban, "personal")],
        [("If needed, write to", None), (dt.email, "personal")],
        [("or call", None), (dt.phone, "personal")],
    ]
    h = c.px(90) + len(msgs) * (lh + c.px(8))
    c.d.rectangle((x0, y0, x0 + width, y0 + h), fill=c.t["win"], outline=c.t["border"])
    c.text(x0 + c.px(20), y0 + c.px(15), f"Trader Chat window for trade with ID '{dt.short_id}'", c.font("Bold", 14), c.t["title"], None)
    y = y0 + c.px(55)
    for parts in msgs:
        c.d.rounded_rectangle((x0 + c.px(15), y - c.px(4), x0 + width - c.px(60), y + lh + c.px(2)), radius=c.px(6),
                              fill=c.t["popup"])
        x = x0 + c.px(25)
        for text, kind in parts:
            start = x
            x = c.text(x, y, text, font, c.t["text"], "keep" if kind == "keep" and False else kind) + int(font.getlength(" "))
            if kind == "personal":
                asc, desc = font.getmetrics()
                c.payment.append((start, y - c.px(3), x0 + width - c.px(60) - start, asc + desc + c.px(6)))
        y += lh + c.px(8)


# The app's screenshot kind of each window (redactor.image.kinds); a popup says its own (Canvas.screen_kind).
SCREEN_KINDS = {"trade-details": "trade-details", "dispute-details": "dispute-details", "start-payment": "trade-step",
                "account-form": "other", "error-popup": "error-popup", "chat": "chat-first-message"}
WINDOWS = {"trade-details": trade_details, "dispute-details": dispute_details, "start-payment": start_payment,
           "account-form": account_form, "popup": popup, "popup-over-form": popup_over_form,
           "error-popup": error_popup, "chat": chat}
SIZES = {"trade-details": (1000, 620), "dispute-details": (1240, 500), "start-payment": (1060, 520),
         "account-form": (960, 380), "popup": (700, 300), "popup-over-form": (1060, 520),
         "error-popup": (780, 340), "chat": (700, 300)}


def _busy_background(im: Image.Image, rng: random.Random) -> None:
    d = ImageDraw.Draw(im)
    w, h = im.size
    for y in range(0, h, 4):
        t = y / max(1, h)
        d.rectangle((0, y, w, y + 4), fill=(int(40 + 120 * t), int(90 + 60 * (1 - t)), int(160 - 80 * t)))
    for _ in range(40):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randint(10, 120)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    f = _font("Regular", 14)
    for _ in range(25):
        d.text((rng.randrange(w), rng.randrange(h)), rng.choice(["Terminal", "Downloads", "README.txt", "photo.jpg", "Trash"]),
               font=f, fill=(255, 255, 255))


def render(kind: str, *, lang: str = "en", theme: str = "light", scale: float = 1.0, busy: bool = False,
           seed: int = 0, fmt: str = "png", trade_id: str | None = None) -> Shot:
    """One synthetic screenshot with ground truth. `fmt` "jpeg" returns the image after a JPEG round trip;
    `trade_id` fixes the trade shown (the demo screenshots show the demo logs' trade)."""
    rng = random.Random(f"{kind}-{lang}-{theme}-{scale}-{busy}-{seed}")
    dt = Data(rng)
    if trade_id is not None:
        dt.trade_id, dt.short_id = trade_id, trade_id.split("-", 1)[0]
    w, h = SIZES[kind]
    margin = 80 if busy else 20
    c = Canvas(round((w + 2 * margin) * scale), round((h + 2 * margin) * scale), DARK if theme == "dark" else LIGHT, scale)
    if busy:
        _busy_background(c.im, rng)
    WINDOWS[kind](c, round(margin * scale), round(margin * scale), lang, dt, rng)
    im = c.im
    if fmt == "jpeg":
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=88)
        im = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    name = f"{kind}_{lang}_{theme}_{scale:g}x{'_busy' if busy else ''}_{fmt}_{seed}"
    return Shot(name, im, c.personal, c.keep, c.payment, c.other,
                {"kind": kind, "lang": lang, "theme": theme, "scale": scale, "busy": busy, "fmt": fmt,
                 "screen_kind": c.screen_kind or SCREEN_KINDS[kind]})


def benchmark_set() -> list[dict[str, Any]]:
    """The benchmark's parameter grid: every window kind × themes × scales × languages × formats (seeded)."""
    rng = random.Random(7)
    specs = []
    langs = ["en", "de", "es", "fr", "pt"]
    for i, kind in enumerate(WINDOWS):
        for j, (theme, scale) in enumerate([("light", 1.0), ("dark", 1.0), ("light", 1.5), ("dark", 2.0), ("light", 1.25)]):
            specs.append({"kind": kind, "lang": langs[(i + j) % len(langs)], "theme": theme, "scale": scale,
                          "busy": (i + j) % 3 == 0, "fmt": "jpeg" if (i + j) % 4 == 1 else "png", "seed": rng.randrange(10**6)})
    return specs


def fixed_sample() -> list[dict[str, Any]]:
    """The small fixed sample the tests assert the targets on."""
    return [
        {"kind": "trade-details", "lang": "en", "theme": "light", "scale": 1.0, "busy": False, "fmt": "png", "seed": 1},
        {"kind": "dispute-details", "lang": "de", "theme": "dark", "scale": 1.0, "busy": True, "fmt": "jpeg", "seed": 2},
        {"kind": "popup-over-form", "lang": "es", "theme": "light", "scale": 1.5, "busy": False, "fmt": "png", "seed": 3},
        {"kind": "account-form", "lang": "fr", "theme": "dark", "scale": 1.0, "busy": False, "fmt": "png", "seed": 4},
        {"kind": "start-payment", "lang": "en", "theme": "dark", "scale": 2.0, "busy": True, "fmt": "jpeg", "seed": 5},
        {"kind": "popup", "lang": "pt", "theme": "light", "scale": 1.25, "busy": False, "fmt": "png", "seed": 6},
        {"kind": "error-popup", "lang": "fr", "theme": "dark", "scale": 1.0, "busy": False, "fmt": "png", "seed": 7},
        {"kind": "chat", "lang": "de", "theme": "light", "scale": 1.0, "busy": True, "fmt": "jpeg", "seed": 8},
    ]


DEMO_TRADE_ID = json.loads((REPO / "resources" / "demo" / "demo-facts.json").read_text())["trade_id"]
DEMO = {"trade-details": {"kind": "trade-details", "lang": "en", "theme": "light", "scale": 1.0, "seed": 11},
        "dispute-details": {"kind": "dispute-details", "lang": "en", "theme": "dark", "scale": 1.0, "seed": 12},
        "error-popup": {"kind": "error-popup", "lang": "en", "theme": "light", "scale": 1.0, "seed": 13},
        "chat": {"kind": "chat", "lang": "en", "theme": "light", "scale": 1.0, "seed": 14}}
for _spec in DEMO.values():
    _spec["trade_id"] = DEMO_TRADE_ID  # the demo screenshots show the demo logs' trade


def write_demo(dest: Path) -> list[Path]:
    """Render the demo screenshots (resources/demo/screenshots/) used by `make demo` and the GUI tests."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name, spec in DEMO.items():
        shot = render(**spec)
        p = dest / f"{name}.png"
        shot.image.save(p, optimize=True)
        out.append(p)
    return out


def blur_noise(im: Image.Image) -> Image.Image:
    """Helper for tests: a pre-blurred area like real screenshots have."""
    return im.filter(ImageFilter.GaussianBlur(4))


if __name__ == "__main__":
    import sys
    for p in write_demo(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "resources" / "demo" / "screenshots"):
        print(p)


# --- scoring (shared by tests/test_image_*.py and benchmarks/bench_images.py) ----------------------------

def _norm_token(text: str) -> str:
    import unicodedata
    t = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in t if ch.isalnum() and not unicodedata.combining(ch)).lower()


def score(shot: Shot, boxes: list[Any], reread: list[str] | None) -> dict[str, Any]:
    """Targets for one redacted shot. `boxes`: objects with x, y, w, h; `reread`: words a second full OCR
    pass read on the output (None to skip that check)."""
    import numpy as np
    w, h = shot.image.size
    mask = np.zeros((h, w), dtype=bool)
    for b in boxes:
        mask[max(0, b.y):b.y + b.h, max(0, b.x):b.x + b.w] = True
    pay = np.zeros((h, w), dtype=bool)
    for x, y, bw, bh in shot.payment:
        pay[max(0, y):y + bh, max(0, x):x + bw] = True

    def cover(r: Rect) -> float:
        x, y, bw, bh = r
        sub = mask[max(0, y):y + bh, max(0, x):x + bw]
        return float(sub.mean()) if sub.size else 1.0
    destroyed = [g for g in shot.personal if cover(g.box) >= 0.97]
    touched = [g for g in shot.keep if cover(g.box) > 0.0]
    outside = float((mask & ~pay).sum()) / (w * h)
    read_back: list[str] = []
    if reread is not None:
        got = {_norm_token(t) for t in reread}
        got.discard("")
        # A personal word that is also drawn unredacted elsewhere ("Bank" in "National bank transfer") proves nothing.
        public = {_norm_token(t) for t in shot.other} | {_norm_token(g.text) for g in shot.keep}
        for g in shot.personal:
            n = _norm_token(g.text)
            if n in public:
                continue
            if len(n) >= 3 and (n in got or (len(n) >= 6 and any(n in x for x in got))):
                read_back.append(g.text)
    return {"name": shot.name, "personal": len(shot.personal), "destroyed": len(destroyed),
            "missed": [g.text for g in shot.personal if g not in destroyed],
            "keep": len(shot.keep), "touched": [g.text for g in touched], "outside_frac": outside,
            "read_back": read_back}


# Bisq 2 windows (Bisq Easy trade chat, trade details overlay) register themselves into the tables above.
import bisq2windows  # noqa: E402,F401
