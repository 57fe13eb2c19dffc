#!/usr/bin/env python3
"""Collect conda-forge's Tesseract for the Windows package: tesseract.exe, the DLLs it loads, tessdata/.

    python packaging/windows/collect_tesseract.py --prefix <conda env> [--out build/tesseract-windows]

The conda env is made by micromamba from tesseract-conda.yml (exact version and build string); micromamba
checks each package it downloads against the SHA-256 in conda-forge's repodata. This script then
1. checks that the env holds exactly the pinned tesseract build,
2. re-hashes every package archive in micromamba's cache against the SHA-256 recorded in conda-meta/ (copied
   from the repodata), so what is bundled is what the channel published,
3. copies tesseract.exe and every DLL it loads, found by walking the PE import tables (pefile, which
   PyInstaller already depends on on Windows) transitively through the env's DLL folders, the way Windows
   resolves them for a program in `Library\\bin`; DLLs that Windows itself provides are left out, any other
   DLL that cannot be found stops the build. Windows loads a program's DLLs from its own folder first, so
   the flat copy needs no rewriting,
4. adds `tessdata/configs` from the env and the pinned traineddata files (fetch_tessdata.py, SHA-256 checked),
   the license files of every package that contributed a file, SOURCES.json, and an explicit lock of the
   whole env (`url#sha256`, usable with `micromamba create -f`),
5. on Windows, runs the copy with PATH reduced to System32 and reads a blank image in every language.
Every step but 5 also runs on Linux/macOS (for checking the script against a copied env).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ENV_FILE = HERE / "tesseract-conda.yml"
LANGS = "eng,deu,fra,spa,ita,por,pol,ces,vie"
log = logging.getLogger("collect_tesseract")

# DLLs every supported Windows (10/11, x64) provides in System32: never bundled. The Universal CRT
# (ucrtbase, api-ms-win-crt-*) is part of Windows 10; the Visual C++ runtime (vcruntime140*, msvcp140*,
# vcomp140, concrt140) is NOT, so it is taken from the env like any other library.
WINDOWS_DLLS = frozenset("""
advapi32 authz bcrypt bcryptprimitives cfgmgr32 comctl32 comdlg32 crypt32 cryptbase d2d1 d3d11 d3d12 d3d9
dbghelp dnsapi dwmapi dwrite dxgi gdi32 gdiplus imm32 iphlpapi kernel32 kernelbase mpr msimg32 mswsock
ncrypt netapi32 normaliz ntdll ole32 oleaut32 opengl32 powrprof propsys psapi rpcrt4 secur32 setupapi
shcore shell32 shlwapi sspicli ucrtbase user32 userenv usp10 uxtheme version winhttp wininet winmm
wintrust wldap32 ws2_32 wsock32 msvcrt
""".split())


def provided_by_windows(dll: str) -> bool:
    name = dll.lower()
    if name.startswith(("api-ms-win-", "ext-ms-")):  # API sets: resolved by the loader, no file
        return True
    return name.endswith(".dll") and name[:-4] in WINDOWS_DLLS


def read_pin(env_file: Path = ENV_FILE) -> tuple[str, str]:
    """(version, build) of tesseract in the env file: the line `- tesseract=<version>=<build>`."""
    for line in env_file.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*-\s*(?:conda-forge::)?tesseract\s*=\s*([^=\s]+)\s*=\s*([^=\s#]+)", line)
        if m:
            return m.group(1), m.group(2)
    raise SystemExit(f"{env_file}: no `- tesseract=<version>=<build>` line (version and build must both be pinned)")


def conda_records(prefix: Path) -> dict[str, dict[str, object]]:
    """The env's installed packages by name, from conda-meta/*.json (written by conda/micromamba)."""
    meta = prefix / "conda-meta"
    if not meta.is_dir():
        raise SystemExit(f"{prefix} is not a conda env (no conda-meta/)")
    records: dict[str, dict[str, object]] = {}
    for path in sorted(meta.glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(rec, dict) and "name" in rec:
            records[str(rec["name"])] = rec
    return records


def check_pin(records: dict[str, dict[str, object]], version: str, build: str) -> None:
    rec = records.get("tesseract")
    if rec is None:
        raise SystemExit("the conda env has no tesseract package")
    got = (str(rec.get("version")), str(rec.get("build")))
    if got != (version, build):
        raise SystemExit(f"the conda env has tesseract {got[0]}={got[1]}, not the pinned {version}={build}")


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verify_archives(records: dict[str, dict[str, object]], pkgs_dirs: list[Path]) -> None:
    """Every package archive must still be in the package cache and hash to the recorded SHA-256."""
    for name, rec in sorted(records.items()):
        expected = str(rec.get("sha256") or "")
        fn = str(rec.get("fn") or "")
        if not re.fullmatch(r"[0-9a-f]{64}", expected) or not fn:
            raise SystemExit(f"conda-meta record of {name} has no SHA-256 or file name: cannot verify it")
        candidates = [Path(str(rec["package_tarball_full_path"]))] if rec.get("package_tarball_full_path") else []
        candidates += [d / fn for d in pkgs_dirs]
        archive = next((c for c in candidates if c.is_file()), None)
        if archive is None:
            raise SystemExit(f"{fn} is not in the package cache ({', '.join(map(str, pkgs_dirs))}): "
                             "pass --pkgs-dir, or --no-archive-check to rely on micromamba's own check")
        digest = _sha256(archive)
        if digest != expected:
            raise SystemExit(f"{archive}: SHA-256 {digest} differs from the repodata's {expected}")
        log.info("%s: SHA-256 ok", fn)


def imported_dlls(path: Path) -> tuple[list[str], list[str]]:
    """(imports, delay-loaded imports) named in a PE file's import tables."""
    import pefile  # PyInstaller's own dependency on Windows; `pip install pefile` elsewhere

    pe = pefile.PE(str(path), fast_load=True)
    try:
        pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
                                               pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT"]])
        normal = [e.dll.decode("ascii") for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])]
        delayed = [e.dll.decode("ascii") for e in getattr(pe, "DIRECTORY_ENTRY_DELAY_IMPORT", [])]
    finally:
        pe.close()
    return normal, delayed


def dll_closure(binary: Path, search_dirs: list[Path]) -> dict[str, Path]:
    """Every non-Windows DLL `binary` loads, directly or through other DLLs: {lower-case name: file}.

    Names are looked up case-insensitively in `search_dirs` in order (as Windows does for a conda env's
    Library\\bin program: its own folder first, then the env root). A missing import stops the build; a
    missing delay-loaded one only warns (delay-loaded DLLs are optional by design and load on first use).
    """
    index: dict[str, Path] = {}
    for d in reversed(search_dirs):  # earlier folders win
        if d.is_dir():
            index.update({p.name.lower(): p for p in d.iterdir() if p.suffix.lower() == ".dll" and p.is_file()})
    found: dict[str, Path] = {}
    missing: dict[str, list[str]] = {}
    queue = [binary]
    while queue:
        current = queue.pop()
        normal, delayed = imported_dlls(current)
        for dll, optional in [(d, False) for d in normal] + [(d, True) for d in delayed]:
            key = dll.lower()
            if provided_by_windows(dll) or key in found:
                continue
            if key in index:
                found[key] = index[key]
                queue.append(index[key])
            elif optional:
                log.warning("delay-loaded %s (needed by %s) is not in the env: left out", dll, current.name)
            else:
                missing.setdefault(dll, []).append(current.name)
    if missing:
        raise SystemExit("DLLs neither in the env nor part of Windows: " + "; ".join(
            f"{dll} (needed by {', '.join(sorted(users)[:3])}{', …' if len(users) > 3 else ''})"
            for dll, users in sorted(missing.items())))
    return found


def owners(records: dict[str, dict[str, object]], prefix: Path, files: Iterable[Path]) -> dict[str, str]:
    """{file name: conda package} for the given files of the env (from each record's file list)."""
    by_path: dict[str, str] = {}
    for name, rec in records.items():
        files_of = rec.get("files")
        for rel in files_of if isinstance(files_of, list) else []:
            by_path[str(rel).replace("\\", "/").lower()] = name
    out: dict[str, str] = {}
    for f in files:
        rel = f.resolve().relative_to(prefix.resolve()).as_posix().lower()
        out[f.name] = by_path.get(rel, "?")
    return out


def find_configs(prefix: Path) -> Path:
    """tessdata/configs of the env (pytesseract's image_to_data needs configs/tsv)."""
    for cand in (prefix / "Library" / "share" / "tessdata", prefix / "share" / "tessdata",
                 prefix / "Library" / "bin" / "tessdata"):
        if (cand / "configs" / "tsv").is_file():
            return cand / "configs"
    hits = sorted(p.parent for p in prefix.rglob("tsv") if p.parent.name == "configs")
    if not hits:
        raise SystemExit(f"no tessdata/configs/tsv anywhere in {prefix}")
    return hits[0]


def copy_licenses(records: dict[str, dict[str, object]], used: set[str], pkgs_dirs: list[Path], dest: Path) -> None:
    """Each contributing package's license files (info/licenses of its extracted copy in the cache)."""
    for name in sorted(used):
        rec = records[name]
        dirname = f"{name}-{rec.get('version')}-{rec.get('build')}"
        src = next((d / dirname / "info" / "licenses" for d in pkgs_dirs
                    if (d / dirname / "info" / "licenses").is_dir()), None)
        if src is None:
            log.warning("no license files found for %s", dirname)
            continue
        shutil.copytree(src, dest / name, dirs_exist_ok=True)


def explicit_lock(records: dict[str, dict[str, object]]) -> str:
    lines = ["# conda-forge packages of the Windows Tesseract, as resolved; "
             "`micromamba create -p <dir> -f <this file>` installs exactly these", "@EXPLICIT"]
    lines += [f"{rec['url']}#{rec['sha256']}" for _, rec in sorted(records.items())]
    return "\n".join(lines) + "\n"


def self_check(out: Path, langs: list[str]) -> str:
    """Run the copy alone (PATH = System32), list its languages and read a blank image in all of them."""
    system32 = Path(os.environ.get("SystemRoot", r"C:\Windows")) / "System32"
    env = {k: v for k, v in os.environ.items() if k.upper() not in ("PATH", "TESSDATA_PREFIX")}
    env.update(PATH=str(system32), TESSDATA_PREFIX=str(out / "tessdata"), OMP_THREAD_LIMIT="1")
    exe = str(out / "tesseract.exe")

    def run(*args: str) -> str:
        res = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=120, check=False)
        if res.returncode != 0:  # 0xC0000135: a DLL is missing
            raise SystemExit(f"bundled tesseract {' '.join(args)} failed ({res.returncode:#x}): {res.stderr.strip()}")
        return res.stdout or res.stderr

    version = run("--version").splitlines()[0].strip()
    have = {line.strip() for line in run("--list-langs").splitlines()[1:]}
    if missing := [lang for lang in langs if lang not in have]:
        raise SystemExit(f"bundled tesseract lacks {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / "blank.pgm"  # PGM: read by Leptonica itself, no image library involved
        blank.write_bytes(b"P5\n64 32\n255\n" + b"\xff" * 64 * 32)
        run(str(blank), "stdout", "-l", "+".join(langs))
    return version


def collect(prefix: Path, out: Path, langs: list[str], pkgs_dirs: list[Path], archive_check: bool,
            lock_out: Path | None, run_check: bool) -> None:
    version, build = read_pin()
    records = conda_records(prefix)
    check_pin(records, version, build)
    if archive_check:
        verify_archives(records, pkgs_dirs)
    binary = prefix / "Library" / "bin" / "tesseract.exe"
    if not binary.is_file():
        raise SystemExit(f"{binary} is missing")
    dlls = dll_closure(binary, [binary.parent, prefix, prefix / "Library" / "mingw-w64" / "bin", prefix / "bin"])

    if out.exists():
        shutil.rmtree(out)
    (out / "tessdata").mkdir(parents=True)
    shutil.copy2(binary, out / "tesseract.exe")
    for src in dlls.values():
        shutil.copy2(src, out / src.name)
    shutil.copytree(find_configs(prefix), out / "tessdata" / "configs")
    origin = owners(records, prefix, [binary, *dlls.values()])
    copy_licenses(records, {p for p in origin.values() if p != "?"}, pkgs_dirs, out / "licenses")

    sys.path.insert(0, str(REPO / "packaging"))
    from fetch_tessdata import fetch  # noqa: E402  (the packaging folder is not a package)

    fetch(langs, out / "tessdata")
    tesseract_version = self_check(out, langs) if run_check else f"tesseract {version} (not run)"
    used = sorted(set(origin.values()) - {"?"})
    sources = {
        "tesseract_version": tesseract_version,
        "conda_spec": f"tesseract={version}={build}",
        "files": origin,
        "packages": {n: {k: records[n].get(k) for k in ("version", "build", "url", "sha256")} for n in used},
        "languages": langs,
    }
    (out / "SOURCES.json").write_text(json.dumps(sources, indent=2) + "\n", encoding="utf-8")
    if lock_out is not None:
        lock_out.parent.mkdir(parents=True, exist_ok=True)
        lock_out.write_text(explicit_lock(records), encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log.info("collected %s into %s: %d DLLs, %.0f MB", tesseract_version, out, len(dlls), size / 1e6)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--prefix", type=Path, required=True, help="the conda env made from tesseract-conda.yml")
    p.add_argument("--out", type=Path, default=REPO / "build" / "tesseract-windows")
    p.add_argument("--langs", default=os.environ.get("BISQ_TESSERACT_LANGS", LANGS))
    p.add_argument("--pkgs-dir", type=Path, action="append", default=[],
                   help="micromamba's package cache (default: <root>/pkgs for an env at <root>/envs/<name>)")
    p.add_argument("--no-archive-check", action="store_true", help="rely on micromamba's download check only")
    p.add_argument("--lock-out", type=Path, default=REPO / "build" / "tesseract-conda-win-64.lock.txt")
    p.add_argument("--no-run", action="store_true", help="skip running the copy (implied off Windows)")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    prefix = args.prefix.resolve()
    # Package caches: given, else beside an env at <root>/envs/<name>, $MAMBA_ROOT_PREFIX, $CONDA_PKGS_DIRS.
    default = [prefix.parent.parent / "pkgs"]
    if os.environ.get("MAMBA_ROOT_PREFIX"):
        default.append(Path(os.environ["MAMBA_ROOT_PREFIX"]) / "pkgs")
    default += [Path(d) for d in os.environ.get("CONDA_PKGS_DIRS", "").split(",") if d]
    pkgs_dirs = [d.resolve() for d in args.pkgs_dir] or default
    collect(prefix, args.out.resolve(), [x for x in args.langs.split(",") if x], pkgs_dirs,
            not args.no_archive_check, args.lock_out, sys.platform.startswith("win") and not args.no_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
