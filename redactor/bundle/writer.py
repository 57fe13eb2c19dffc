"""Build the support bundle for one trade: every part through its detector pass, then one canonical zip.

Layout (all under `<tradeId>/`): description.txt, txids.txt, contract.json, redaction-report.json,
manifest.json, `<role>/<log names>`, `<role>/screenshots/<kind>[-n].png`.

Reproducibility: the zip's `created` (manifest field and every entry's timestamp) is not the wall clock. It is,
in order: the `created` argument, the SOURCE_DATE_EPOCH environment variable (reproducible-builds.org), or the
newest modification time among the input files (logs, screenshots, contract), so the same inputs always give
the same bytes. It therefore says "inputs as of", which is what support needs to place the bundle in time.

Privacy: logs are read through a snapshot copy in a private temp folder (never inside the data dir), the bundle
accepts only the sanitizer's, the image redactor's and the contract scrubber's outputs, and the
value-to-placeholder map is written beside the zip (`<stem>.placeholders.json`), never inside it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redactor.bisq.datadir import detect_version
from redactor.bisq.logfiles import list_log_files, output_name, snapshot
from redactor.bisq.trades import find_trades
from redactor.bundle import checklist as checklist_mod
from redactor.bundle import manifest as manifest_mod
from redactor.bundle.case import ROLE_TITLES, Case
from redactor.bundle.zipio import MIN_DATE, Cancelled, Source, iso, sha256_of, write_zip
from redactor.errors import BadInput, RedactorError, UnsafeOutput
from redactor.fsutil import write_bytes_atomic
from redactor.text.placeholders import PlaceholderTable, write_map

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
REPORT = "redaction-report.json"
# Bisq 1 `Version{VERSION=1.10.4, ...}`; Bisq 2 `Version: v2.1.7 / Commit hash: ...` (facts.md section 2).
_VERSION = re.compile(rb"Version\{VERSION=([0-9][0-9A-Za-z.\-]{0,20})|Version: v([0-9][0-9A-Za-z.\-]{0,20})")
_SYSINFO = re.compile(rb"System info: os\.name=([^;\r\n]{1,60}); os\.version=([^;\r\n]{1,60}); "
                      rb"os\.arch=([^;\r\n]{1,30})")


@dataclass
class BundleResult:
    path: Path
    manifest: dict[str, Any]
    missing: list[str]
    report: dict[str, Any]
    map_path: Path | None


def placeholders_path(out_zip: Path) -> Path:
    """The local value -> placeholder map: beside the zip, never inside it."""
    return out_zip.with_name(out_zip.stem + ".placeholders.json")


def resolve_created(inputs: Sequence[Path], created: datetime | None = None) -> datetime:
    if created is not None:
        return created
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    mtimes = []
    for p in inputs:
        try:
            mtimes.append(Path(p).stat().st_mtime)
        except OSError:
            pass
    return datetime.fromtimestamp(int(max(mtimes)), UTC) if mtimes else MIN_DATE


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _bisq_dir_above(path: Path) -> bool:
    """True when `path` would land in any Bisq data directory, not only the one given (names only)."""
    from redactor.bisq.datadir import containing_data_dir

    return containing_data_dir(path) is not None


def _log_sources(case: Case) -> list[tuple[Path, str]]:
    """(file, name in the bundle) for every log to include."""
    if case.log_files is not None:
        files = [Path(p) for p in case.log_files]
    elif case.data_dir is not None:
        data_dir = Path(case.data_dir)
        files = [f.path for f in list_log_files(data_dir, detect_version(data_dir) or 1)]
    else:
        files = []
    out = []
    seen: set[str] = set()
    for f in files:
        base = Path(case.data_dir) if case.data_dir is not None and _inside(f, Path(case.data_dir)) else f.parent
        name = output_name(f, base)
        if name in seen:
            raise BadInput(f"Two log files are both named {name}; choose logs from one Bisq data directory.")
        seen.add(name)
        out.append((f, name))
    return out


def bisq_facts(raw_logs: Sequence[Path]) -> dict[str, str]:
    """Bisq version and OS from the startup lines, newest log first (facts.md section 2)."""
    facts: dict[str, str] = {}
    for p in raw_logs:
        try:
            data = p.read_bytes()
        except OSError:
            continue
        if "version" not in facts:
            found = _VERSION.findall(data)
            if found:
                facts["version"] = (found[-1][0] or found[-1][1]).decode("ascii", "replace")
        if "os" not in facts:
            sys_found = _SYSINFO.findall(data)
            if sys_found:
                name, version, arch = (x.decode("utf-8", "replace").strip() for x in sys_found[-1])
                facts["os"] = f"{name} {version} ({arch})"
        if len(facts) == 2:
            break
    return facts


def _progress_adapter(progress: Progress | None, stage: str, lo: float, hi: float) -> Callable[..., None]:
    """The sanitizer reports either a fraction or (done, total); map it into [lo, hi] of the whole run."""
    def report(*args: Any, **_kw: Any) -> None:
        if progress is None:
            return
        nums = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
        frac = 0.0
        if len(nums) >= 2 and nums[-1]:
            frac = nums[-2] / nums[-1]
        elif nums:
            frac = float(nums[-1])
        progress(stage, lo + (hi - lo) * max(0.0, min(1.0, frac)))
    return report


def _redact_screenshots(case: Case, dest: Path, role: str, known: Sequence[str],
                        stop: Callable[[], bool] = lambda: False) -> tuple[dict[str, Path], dict[str, Any]]:
    """Redact every screenshot into `dest`, hiding `known` values (the contract's payment data) wherever they
    show; returns bundle name -> file and the per-file report (no values). `stop` is checked between
    screenshots (cancel, or the log pass failed)."""
    if not case.screenshots:
        return {}, {}
    try:
        from redactor.image.redact import clean_png_bytes, load_image, redact_to_png, render
    except ImportError as exc:
        raise RedactorError("Screenshot redaction is not available in this build; remove the screenshots "
                            "or update the app.") from exc
    dest.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    files: dict[str, Path] = {}
    report: dict[str, Any] = {}
    for shot in case.screenshots:
        if stop():
            raise Cancelled("Stopped; no bundle was written.")
        counts[shot.kind] = counts.get(shot.kind, 0) + 1
        n = counts[shot.kind]
        name = f"{role}/screenshots/{shot.kind}{'' if n == 1 else f'-{n}'}.png"
        try:
            image = load_image(Path(shot.path))
            if shot.boxes is None:  # fails closed: UnsafeOutput when it cannot verify
                png, redaction = redact_to_png(image, known=known)
        except RedactorError as exc:  # say which screenshot: the trader may have given several
            raise type(exc)(f"{Path(shot.path).name}: {exc}") from exc
        if shot.boxes is None:
            boxes = list(redaction.boxes)
            info: dict[str, Any] = {"verified": bool(redaction.verified), "reviewed_by_user": False}
        else:
            boxes = list(shot.boxes)
            png = clean_png_bytes(render(image, boxes))
            info = {"verified": False, "reviewed_by_user": True}
        reasons: dict[str, int] = {}
        for b in boxes:
            reason = str(getattr(b, "reason", "") or "unspecified")
            reasons[reason] = reasons.get(reason, 0) + 1
        out = dest / name.rsplit("/", 1)[-1]
        write_bytes_atomic(out, png)
        files[name] = out
        report[name] = {"kind": shot.kind, "boxes": len(boxes), "reasons": dict(sorted(reasons.items())), **info}
    return files, report


def build_bundle(case: Case, out_zip: Path, *, progress: Progress | None = None,
                 cancel: Callable[[], bool] | None = None, created: datetime | None = None) -> BundleResult:
    """Write the support bundle for `case` to `out_zip` (atomically) and the placeholder map beside it."""
    case.validate()
    out_zip = Path(out_zip)
    trade_id = case.trade_id.strip()
    role = case.role
    data_dir = Path(case.data_dir) if case.data_dir is not None else None
    if (data_dir is not None and _inside(out_zip, data_dir)) or _bisq_dir_above(out_zip):
        raise UnsafeOutput("Choose an output folder outside the Bisq data directory: nothing is ever written "
                           "there.")

    def step(stage: str, frac: float) -> None:
        if cancel is not None and cancel():
            raise Cancelled("Stopped; no bundle was written.")
        if progress is not None:
            progress(stage, frac)

    step("reading logs", 0.0)
    from redactor.text.contract import personal_values, read_contract_text, scrub_contract_text

    # The contract is read once, first: a bad one fails now, not after the log pass. Its payment data is hidden
    # wherever a screenshot shows it (a name in a chat message); the scrubbed text goes into the bundle.
    contract_text = read_contract_text(Path(case.contract)) if case.contract is not None else None
    contract_values = personal_values(contract_text) if contract_text is not None else []
    known = contract_values if case.screenshots else []
    sources = _log_sources(case)
    created_at = resolve_created(
        [p for p, _ in sources] + [Path(s.path) for s in case.screenshots] + ([Path(case.contract)]
                                                                              if case.contract else []),
        created)
    report: dict[str, Any] = {"format": 1, "trade_id": trade_id, "role": role, "skipped": []}
    entries: dict[str, Source] = {}
    prefix = f"{trade_id}/"

    with tempfile.TemporaryDirectory(prefix="bisq-redactor-") as tmp:
        work = Path(tmp)
        if data_dir is not None and _inside(work, data_dir):
            raise BadInput("The temporary folder lies inside the Bisq data directory; set TMPDIR elsewhere.")
        # Screenshots (Tesseract runs as a subprocess) overlap with the log pass.
        abort = threading.Event()

        def stop_shots() -> bool:
            return abort.is_set() or (cancel is not None and cancel())

        with ThreadPoolExecutor(max_workers=3) as pool:
            shots: Future[tuple[dict[str, Path], dict[str, Any]]] = pool.submit(
                _redact_screenshots, case, work / "shots", role, known, stop_shots)
            try:
                raw: list[Path] = []
                names: list[str] = []
                for i, (src, name) in enumerate(sources):
                    step("copying logs", 0.1 * i / max(1, len(sources)))
                    try:
                        raw.append(snapshot(src, work / "raw" / name).copy)
                        names.append(name)
                    except OSError as exc:
                        log.warning("cannot read %s: %s", src, exc)
                        report["skipped"].append({"file": name, "reason": exc.strerror or type(exc).__name__})
                map_tmp = work / "placeholders.json"
                table = PlaceholderTable()  # one numbering for the logs and the description
                # Reading tx IDs and the Bisq version from the raw copies runs beside the sanitizer's processes.
                facts_job = pool.submit(bisq_facts, raw)
                trades_job = pool.submit(find_trades, raw)
                step("sanitizing logs", 0.12)
                if raw:
                    try:
                        from redactor.text.sanitizer import sanitize_logs
                    except ImportError as exc:
                        raise RedactorError("The log sanitizer is not available in this build.") from exc
                    from redactor.text.sanitizer import SanitizeCancelled

                    (work / "logs").mkdir()
                    try:
                        rep = sanitize_logs(raw, work / "logs", out_names=names,
                                            user_names=tuple(case.extra_user_names), table=table,
                                            known_values=contract_values,  # found in any spelling in any log
                                            progress=_progress_adapter(progress, "sanitizing logs", 0.12, 0.7),
                                            cancel=cancel)
                    except SanitizeCancelled as exc:
                        raise Cancelled("Stopped; no bundle was written.") from exc
                    report["logs"] = _report_json(rep)
                    for fr, name in zip(rep.files, names, strict=False):
                        if getattr(fr, "error", None):
                            report["skipped"].append({"file": name, "reason": str(fr.error)})
                    for name in names:
                        clean = work / "logs" / name
                        if clean.is_file() and not any(s["file"] == name for s in report["skipped"]):
                            entries[f"{prefix}{role}/{name}"] = clean
                facts = facts_job.result()
                # The sanitizer learnt the OS user names from the logs' home paths; the description loses them too.
                user_names = sorted(set(case.extra_user_names) | (rep.user_names if raw else set()))
                seen = [t for t in trades_job.result() if t.trade_id == trade_id]
                log_txids = seen[0].txids if seen else {}
                step("redacting screenshots", 0.7)
                shot_files, report["screenshots"] = shots.result()
            except BaseException:
                abort.set()  # the screenshot thread stops at its next screenshot
                raise
        for shot_name, shot_path in shot_files.items():
            entries[prefix + shot_name] = shot_path

        if contract_text is not None:
            step("scrubbing the contract", 0.75)
            scrubbed, counts = scrub_contract_text(contract_text)
            report["contract"] = dict(counts)
            entries[prefix + "contract.json"] = scrubbed.encode("utf-8")

        entries[prefix + "description.txt"] = _description(case, facts, seen[0] if seen else None, user_names,
                                                           table, contract_values)
        if len(table):
            write_map(map_tmp, table)  # after the description, so its values are in the map too
        entries[prefix + "txids.txt"] = _txids_text(trade_id, case.given_txids(), log_txids)
        report["txids"] = {"given": len(case.given_txids()), "from_logs": len(log_txids)}
        entries[prefix + REPORT] = (json.dumps(report, indent=2, sort_keys=True) + "\n").encode()

        step("hashing", 0.78)
        files: list[dict[str, Any]] = []
        for entry_name, entry_src in sorted(entries.items()):
            digest, size = sha256_of(iter([entry_src]) if isinstance(entry_src, bytes)
                                     else _read_chunks(Path(str(entry_src))))
            files.append({"path": entry_name, "sha256": digest, "bytes": size})
        inner = [f["path"][len(prefix):] for f in files]
        checks = checklist_mod.checklist_for(inner, role)
        manifest = manifest_mod.make_manifest(trade_id=trade_id, role=role, created=iso(created_at),
                                              checklist=checks, files=files)
        entries[prefix + manifest_mod.MANIFEST] = manifest_mod.dump(manifest)

        step("writing the zip", 0.8)
        write_zip(out_zip, list(entries.items()), created_at, cancel=cancel,
                  progress=(lambda f: progress("writing the zip", 0.8 + 0.2 * f)) if progress else None)
        map_path = None
        if map_tmp.is_file():
            map_path = placeholders_path(out_zip)
            write_bytes_atomic(map_path, map_tmp.read_bytes(), mode=0o600)  # private: never shared
    if progress is not None:
        progress("done", 1.0)
    return BundleResult(path=out_zip, manifest=manifest, missing=checklist_mod.missing(checks), report=report,
                        map_path=map_path)


def _read_chunks(path: Path) -> Any:
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            yield chunk


def _report_json(rep: Any) -> Any:
    data = rep.to_json() if hasattr(rep, "to_json") else rep
    return json.loads(data) if isinstance(data, str | bytes) else data


def _description(case: Case, facts: dict[str, str], seen: Any, user_names: Sequence[str],
                 table: PlaceholderTable, known_values: Sequence[str] = ()) -> bytes:
    try:
        from redactor.text.sanitizer import sanitize_text
    except ImportError as exc:
        raise RedactorError("The text sanitizer is not available in this build.") from exc
    lines = [
        f"Trade ID: {case.trade_id.strip()}",
        f"Role: {ROLE_TITLES[case.role]}",
        f"Bisq version: {facts.get('version', 'not found in the logs')}",
        f"Operating system: {facts.get('os', 'not found in the logs')}",
    ]
    if seen is not None:
        lines.append(f"Trade seen in the logs: {seen.first_seen or '?'} .. {seen.last_seen or '?'} (local time, "
                     "no year in Bisq logs)")
    text = sanitize_text(case.description.strip(), user_names=tuple(user_names), table=table,
                         known_values=known_values)
    return ("\n".join(lines) + "\n\n" + text + "\n").encode("utf-8")


def _txids_text(trade_id: str, given: dict[str, str], from_logs: dict[str, str]) -> bytes:
    lines = [f"# Transaction IDs of trade {trade_id}",
             "# txid  label (from the Bisq log where it says; 'given' = typed by the trader, not found in the logs)"]
    merged: dict[str, str] = {}
    for txid, label in given.items():
        merged[txid] = from_logs.get(txid) or label or "given"
    for txid, label in from_logs.items():
        merged.setdefault(txid, label or "unlabelled")
    lines += [f"{txid}  {label}" for txid, label in merged.items()]
    return ("\n".join(lines) + "\n").encode("ascii")
