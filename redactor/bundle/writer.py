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
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redactor.bisq.trades import find_trades
from redactor.bundle import checklist as checklist_mod
from redactor.bundle import manifest as manifest_mod
from redactor.bundle.case import ROLE_TITLES, Case
from redactor.bundle.collect import bisq_facts, collection_notes, log_sources, snapshot_logs
from redactor.bundle.zipio import MIN_DATE, Cancelled, Source, iso, sha256_of, write_zip
from redactor.errors import BadInput, RedactorError, UnsafeOutput
from redactor.fsutil import staged_outputs, write_bytes_atomic
from redactor.image.kinds import AUTO, OTHER
from redactor.text.placeholders import PlaceholderTable, write_map

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
REPORT = "redaction-report.json"


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


def _bisq_version(case: Case) -> int:
    """1 or 2: which app's checklist the bundle gets (Bisq 2's items differ), from the data dir's markers."""
    if case.data_dir is None:
        return 1
    from redactor.bisq.datadir import detect_version

    return detect_version(Path(case.data_dir)) or 1


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
                        stop: Callable[[], bool] = lambda: False,
                        sweep_pairs: Sequence[tuple[str, str]] = ()) -> tuple[dict[str, Path], dict[str, Any]]:
    """Redact every screenshot into `dest`, hiding `known` values (the contract's payment data) wherever they
    show; returns bundle name -> file and the per-file report (no values). `stop` is checked between
    screenshots (cancel, or the log pass failed)."""
    if not case.screenshots:
        return {}, {}
    from redactor.image.redact import clean_png_bytes, load_image, redact_to_png, render  # NumPy, Pillow: lazily
    dest.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    files: dict[str, Path] = {}
    report: dict[str, Any] = {}
    for shot in case.screenshots:
        if stop():
            raise Cancelled("Stopped; no bundle was written.")
        try:
            image = load_image(Path(shot.path))
            if shot.boxes is None:  # fails closed: UnsafeOutput when it cannot verify
                png, redaction = redact_to_png(image, known=known)
        except RedactorError as exc:  # say which screenshot: the trader may have given several
            raise type(exc)(f"{Path(shot.path).name}: {exc}") from exc
        # AUTO: the kind the redaction's OCR pass recognised (screenshots reviewed in the GUI have theirs).
        kind = redaction.kind if shot.kind == AUTO and shot.boxes is None else shot.kind
        kind = OTHER if kind == AUTO else kind
        counts[kind] = counts.get(kind, 0) + 1
        name = f"{role}/screenshots/{kind}{'' if counts[kind] == 1 else f'-{counts[kind]}'}.png"
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
        if sweep_pairs:  # the final sweep's OCR pass, here beside the log pass rather than after it
            from redactor.bundle.sweep import sweep_png

            sweep_png(name, png, sweep_pairs)
        out = dest / name.rsplit("/", 1)[-1]
        write_bytes_atomic(out, png)
        files[name] = out
        report[name] = {"kind": kind, "kind_recognised": shot.kind == AUTO, "boxes": len(boxes),
                        "reasons": dict(sorted(reasons.items())), **info}
    return files, report


def _refuse_secret_inputs(case: Case) -> None:
    """The contract and the screenshots the trader picked must not be a secret (redactor.inputs): checked on
    the opened file; their own readers (JSON, image decoders) then refuse anything that is not one."""
    from redactor.inputs import CONTRACT, IMAGE, open_user_file

    for path, kind in ([(Path(case.contract), CONTRACT)] if case.contract is not None else []) + [
            (Path(s.path), IMAGE) for s in case.screenshots]:
        open_user_file(path, kind).close()


def build_bundle(case: Case, out_zip: Path, *, progress: Progress | None = None,
                 cancel: Callable[[], bool] | None = None, created: datetime | None = None,
                 encrypt_to: Sequence[str] = (), manifest_extra: dict[str, Any] | None = None,
                 audience: str = "agent") -> BundleResult:
    """Write the support bundle for `case` to `out_zip` (atomically) and the placeholder map beside it.
    With `encrypt_to` (age public keys) the result is `<out_zip>.age`, encrypted while it is written: the plain
    zip never touches the disk (redactor.handoff.age_stream). `manifest_extra`: more manifest fields (what the
    agent requested). `audience` "public": IDs become placeholders too (redactor.handoff.public_bundle)."""
    case.validate()
    out_zip = Path(out_zip)
    trade_id = case.trade_id.strip()
    from redactor.handoff.public_bundle import output_plan  # hand-off: encryption, audience (bad ones fail first)

    map_for, out_zip, sink = output_plan(out_zip, encrypt_to, audience, trade_id)
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
    _refuse_secret_inputs(case)
    contract_text = read_contract_text(Path(case.contract)) if case.contract is not None else None
    from redactor.bundle.sweep import case_known_values, report_section, sweep

    # Known values (Bisq's db files, the contract) are hidden in screenshots and swept for before the zip is made.
    known_case = case_known_values(data_dir, trade_id, personal_values(contract_text) if contract_text else [])
    known = known_case.texts() if case.screenshots else []
    sources, skipped = log_sources(case)
    report: dict[str, Any] = {"format": 1, "trade_id": trade_id, "role": role,
                              "skipped": [{"file": s.name, "reason": s.reason} for s in skipped],
                              "known_values": report_section(known_case)}
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
                _redact_screenshots, case, work / "shots", role, known, stop_shots, known_case.sweep_pairs())
            try:
                snaps = snapshot_logs(sources, work / "raw", report, step)
                raw = [sn.copy for sn in snaps]
                names = [sn.copy.name for sn in snaps]
                # The copies keep their source's time; links and refused files count for nothing.
                created_at = resolve_created(raw + [Path(s.path) for s in case.screenshots]
                                             + ([Path(case.contract)] if case.contract else []), created)
                map_tmp = work / "placeholders.json"
                table = PlaceholderTable()  # one numbering for the logs and the description
                # Reading tx IDs and the Bisq version from the raw copies runs beside the sanitizer's processes.
                facts_job = pool.submit(bisq_facts, raw)
                trades_job = pool.submit(find_trades, raw)
                step("sanitizing logs", 0.12)
                if raw:
                    from redactor.text.sanitizer import SanitizeCancelled, sanitize_logs

                    (work / "logs").mkdir()
                    try:
                        rep = sanitize_logs(raw, work / "logs", out_names=names,
                                            user_names=tuple(case.extra_user_names), table=table,
                                            known_values=known_case.texts(),
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
                    from redactor.text.bisq2logs import refuse_private_keys  # Bisq2_api <= 2.1.13 logged keys

                    refuse_private_keys({n: p for n, p in entries.items() if isinstance(p, Path)
                                         and n.startswith(f"{prefix}{role}/")})
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

        if case.trade_history is not None:  # Bisq Easy's export, without the receiving address (tradecsv.py)
            from redactor.bundle.tradecsv import MEMBER, clean_trade_csv

            entries[f"{prefix}{role}/{MEMBER}"] = clean_trade_csv(case.trade_history, table, known_case.texts(),
                                                                  user_names)
        entries[prefix + "description.txt"] = _description(case, facts, seen[0] if seen else None, user_names,
                                                           table, known_case.texts())
        if len(table):
            write_map(map_tmp, table)  # after the description, so its values are in the map too
        entries[prefix + "txids.txt"] = _txids_text(trade_id, case.given_txids(), log_txids)
        report["txids"] = {"given": len(case.given_txids()), "from_logs": len(log_txids)}
        entries[prefix + REPORT] = (json.dumps(report, indent=2, sort_keys=True) + "\n").encode()

        public_map = None
        if audience == "public":
            step("replacing IDs for a public issue", 0.76)
            from redactor.handoff.public_bundle import apply_public

            entries, prefix, public_map = apply_public(entries, prefix, work, trade_id, REPORT, cancel)
        step("hashing", 0.78)
        manifest, checks = _manifest(entries, prefix, case, created_at,
                                     {"audience": audience, **(manifest_extra or {})})
        entries[prefix + manifest_mod.MANIFEST] = manifest_mod.dump(manifest)

        step("checking for known values", 0.79)
        # Screenshots were swept as saved, in their thread; KnownValueFound: nothing is written.
        sweep(list(entries.items()), known_case.sweep_pairs(), cancel=cancel, swept=frozenset(shot_files))
        step("writing the zip", 0.8)
        map_path = _commit(out_zip, map_for, entries, created_at, map_tmp if map_tmp.is_file() else None,
                           public_map, sink, cancel, progress)
    if progress is not None:
        progress("done", 1.0)
    return BundleResult(path=out_zip, manifest=manifest, missing=checklist_mod.missing(checks)
                        + collection_notes(report), report=report, map_path=map_path)


def _manifest(entries: dict[str, Source], prefix: str, case: Case, created_at: datetime,
              extra: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bool]]:
    """The manifest of `entries` (SHA-256 and size of each) and the checklist it holds."""
    files: list[dict[str, Any]] = []
    for entry_name, entry_src in sorted(entries.items()):
        digest, size = sha256_of(iter([entry_src]) if isinstance(entry_src, bytes)
                                 else _read_chunks(Path(str(entry_src))))
        files.append({"path": entry_name, "sha256": digest, "bytes": size})
    inner = [f["path"][len(prefix):] for f in files]
    checks = checklist_mod.checklist_for(inner, case.role, _bisq_version(case))
    manifest = manifest_mod.make_manifest(trade_id=prefix.rstrip("/"), role=case.role, created=iso(created_at),
                                          checklist=checks, files=files, extra=extra)
    return manifest, checks


def _commit(out_zip: Path, map_for: Path, entries: dict[str, Source], created_at: datetime, map_tmp: Path | None,
            public_map: PlaceholderTable | None, sink: Any, cancel: Callable[[], bool] | None,
            progress: Progress | None) -> Path | None:
    """The zip and its maps, committed together: all written in full, then all renamed. Returns the map's path.
    The public map says which placeholder is which ID in a public bundle: the trader's, for a developer."""
    map_path = placeholders_path(map_for) if map_tmp is not None else None
    public_path = map_for.with_name(map_for.stem + ".public-placeholders.json") if public_map else None
    with staged_outputs([out_zip] + [p for p in (map_path, public_path) if p is not None]) as staged:
        write_zip(staged[0], list(entries.items()), created_at, cancel=cancel,
                  progress=(lambda f: progress("writing the zip", 0.8 + 0.2 * f)) if progress else None, sink=sink)
        rest = iter(staged[1:])
        if map_tmp is not None:
            write_bytes_atomic(next(rest), map_tmp.read_bytes(), mode=0o600)  # private: never shared
        if public_path is not None and public_map is not None:
            write_map(next(rest), public_map)
    return map_path


def _read_chunks(path: Path) -> Any:
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            yield chunk


def _report_json(rep: Any) -> Any:
    data = rep.to_json() if hasattr(rep, "to_json") else rep
    return json.loads(data) if isinstance(data, str | bytes) else data


def _description(case: Case, facts: dict[str, str], seen: Any, user_names: Sequence[str],
                 table: PlaceholderTable, known: Sequence[str] = ()) -> bytes:
    from redactor.text.sanitizer import sanitize_text
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
                         known_values=known)
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
