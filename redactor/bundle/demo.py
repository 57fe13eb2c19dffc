"""`make demo`: a bundle from the embedded demo data (resources/demo), the way a trader would build one."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from redactor.bundle.case import SCREENSHOT_KINDS, Case, Screenshot
from redactor.bundle.writer import BundleResult, build_bundle
from redactor.resources import get_resource_path


def kind_from_name(stem: str) -> str:
    """trade-details.png -> trade-details, chat.png -> chat-first-message, anything else -> other."""
    for kind in SCREENSHOT_KINDS:
        if stem == kind or stem.startswith(kind + "-") or stem == kind.split("-", 1)[0]:
            return kind
    return "other"


def demo_screenshots(demo: Path) -> list[Screenshot]:
    """resources/demo/screenshots/*.png, with the kind taken from the file name."""
    return [Screenshot(path=png, kind=kind_from_name(png.stem)) for png in sorted((demo / "screenshots").glob("*.png"))]


def run_demo_bisq2(out_dir: Path, *, screenshots: bool = True) -> BundleResult:
    """Build `<out_dir>/<tradeId>.zip` from a temporary copy of the demo Bisq 2 data dir (resources/demo/Bisq2,
    made by tools/make_demo_bisq2.py): a Bisq Easy trade, the trader the BTC buyer."""
    demo = get_resource_path("demo")
    case_dir = demo / "bisq2-case"
    facts = json.loads((case_dir / "demo-facts.json").read_text(encoding="utf-8"))
    shots = sorted((case_dir / "screenshots").glob("*.png")) if screenshots else []
    with tempfile.TemporaryDirectory(prefix="bisq-redactor-demo2-") as tmp:
        data_dir = Path(tmp) / "Bisq2"
        shutil.copytree(demo / "Bisq2", data_dir)
        case = Case(
            trade_id=facts["trade_id"],
            role=facts["role"],
            description=(case_dir / "description.txt").read_text(encoding="utf-8"),
            txids={tx.strip(): label.strip() for label, _, tx in
                   (ln.rpartition(":") for ln in (case_dir / "txids.txt").read_text(encoding="utf-8").splitlines())
                   if tx.strip()},
            screenshots=[Screenshot(path=p, kind=kind_from_name(p.stem)) for p in shots],
            data_dir=data_dir,
        )
        return build_bundle(case, Path(out_dir) / f"{facts['trade_id']}.zip")


def run_demo(out_dir: Path, *, screenshots: bool = True) -> BundleResult:
    """Build `<out_dir>/<tradeId>.zip` from a temporary copy of the demo Bisq data dir (the repo copy is never
    written to). The demo screenshots are redacted too; a broken image stack fails the demo loudly."""
    demo = get_resource_path("demo")
    facts = json.loads((demo / "demo-facts.json").read_text(encoding="utf-8"))
    shots = demo_screenshots(demo) if screenshots else []
    with tempfile.TemporaryDirectory(prefix="bisq-redactor-demo-") as tmp:
        data_dir = Path(tmp) / "Bisq"
        shutil.copytree(demo / "Bisq", data_dir)  # copy2 keeps mtimes: the demo bundle is reproducible
        case = Case(
            trade_id=facts["trade_id"],
            role="buyer",
            description=(demo / "description.txt").read_text(encoding="utf-8"),
            txids=(demo / "txids.txt").read_text(encoding="utf-8").split(),
            screenshots=shots,
            data_dir=data_dir,
            contract=demo / "contract.json",
        )
        return build_bundle(case, Path(out_dir) / f"{facts['trade_id']}.zip")
