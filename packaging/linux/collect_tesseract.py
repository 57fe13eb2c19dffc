#!/usr/bin/env python3
"""Copy the system Tesseract (Debian packages) into a self-contained folder the app bundles.

Layout written to OUT (it becomes `resources/tesseract/` inside the app):
    tesseract                 the binary, unchanged
    lib*.so.*                 every shared library it needs that is not part of glibc (found with ldd), except
                              libarchive and libcurl: small stand-ins compiled from stubs/ take their place
    tessdata/                 <lang>.traineddata for the requested languages (SHA-256 checked against
                              packaging/tessdata.sha256) + configs/ (the app asks Tesseract for `tsv` output)
    licenses/<package>        the Debian copyright file of every package a file came from
    SOURCES.json              which Debian package and version each file came from, and its SHA-256

The app runs the binary with LD_LIBRARY_PATH set to this folder (TesseractBinary.env), so the copied
libraries are used instead of whatever the user's system has. Only glibc itself is left to the system:
its libraries must match the system's dynamic loader, and every Linux desktop has one.

Debian's libtesseract links libarchive (traineddata inside zip/tar archives) and libcurl (images given as
http(s) URLs). The app uses neither: plain .traineddata files, images on stdin, no network. Their dependency
chains (libxml2 + ICU, GnuTLS, Kerberos, LDAP, SSH...: 30 libraries, 45 MB) would be most of the folder, so
stubs/libarchive.c and stubs/libcurl.c are compiled into stand-ins that export what Tesseract imports and
fail every call; Tesseract then reads the traineddata file directly (TessdataManager::Init falls back when
archive_read_new() returns NULL) and refuses URLs. --real-archive-curl copies the real libraries instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIN_FILE = HERE.parent / "tessdata.sha256"
STUBS = HERE / "stubs"
# soname -> (C source, linker version script or None). libcurl's symbols carry Debian's version node.
STUB_LIBS = {"libarchive.so.13": ("libarchive.c", None), "libcurl.so.4": ("libcurl.c", "libcurl.map")}

# glibc's own libraries (and the vDSO): always provided by the system and tied to its loader.
GLIBC = re.compile(r"^(linux-vdso|linux-gate|ld-linux.*|libc|libm|libdl|libpthread|librt|libresolv|libutil|"
                   r"libanl|libnsl|libmvec|libBrokenLocale|libcrypt)\.so")
LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(/\S+)\s+\(0x[0-9a-f]+\)")


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def pinned_hashes() -> dict[str, str]:
    """`<sha256>  <lang>.traineddata` lines, as sha256sum writes them."""
    pins: dict[str, str] = {}
    for line in PIN_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            pins[name] = digest
    return pins


def build_stubs(out: Path) -> list[Path]:
    """Compile the stand-in libraries into OUT (gcc, a fraction of a second each)."""
    built = []
    for soname, (source, version_script) in STUB_LIBS.items():
        cmd = ["gcc", "-shared", "-fPIC", "-O2", "-s", "-Wall", "-Wextra", "-Werror", f"-Wl,-soname,{soname}",
               "-o", str(out / soname), str(STUBS / source)]
        if version_script:
            cmd.insert(-1, f"-Wl,--version-script={STUBS / version_script}")
        subprocess.run(cmd, check=True)
        built.append(out / soname)
    return built


def needed_libraries(binary: Path, first: Path | None = None) -> dict[str, Path]:
    """soname -> resolved path of every non-glibc library the binary loads (ldd lists the whole closure).
    Libraries in `first` (the stand-ins) win over the system's, so their dependencies drop out of the list."""
    env = {**os.environ, "LD_LIBRARY_PATH": str(first)} if first else None
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True, env=env).stdout
    libs: dict[str, Path] = {}
    for line in out.splitlines():
        m = LDD_LINE.match(line)
        if m and not GLIBC.match(m.group(1)):
            libs[m.group(1)] = Path(m.group(2))
    return libs


def debian_package(path: Path) -> tuple[str, str] | None:
    """(package, version) that installed `path`, or None when dpkg does not know the file."""
    for candidate in (path, path.resolve()):
        res = subprocess.run(["dpkg-query", "-S", str(candidate)], capture_output=True, text=True, check=False)
        if res.returncode == 0:
            pkg = res.stdout.split(":", 1)[0].strip()
            if "," in pkg:  # diversions list several; the first owns it
                pkg = pkg.split(",")[0].strip()
            ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True,
                                 check=True).stdout.strip()
            return pkg, ver
    return None


def default_tessdata(binary: Path) -> Path:
    """The binary's compiled-in tessdata folder, from the first line of `--list-langs`."""
    out = subprocess.run([str(binary), "--list-langs"], capture_output=True, text=True, check=True).stdout
    m = re.search(r'"(.+?)"', out.splitlines()[0])
    if not m:
        raise SystemExit(f"cannot read the tessdata folder from: {out.splitlines()[0]!r}")
    return Path(m.group(1))


def collect(binary: Path, tessdata: Path, langs: list[str], out: Path, stubs: bool = True) -> dict[str, object]:
    if out.exists():
        shutil.rmtree(out)
    (out / "tessdata").mkdir(parents=True)
    (out / "licenses").mkdir()
    pins = pinned_hashes()
    sources: dict[str, dict[str, str]] = {}

    def record(src: Path, dest: Path) -> None:
        pkg = debian_package(src)
        entry = {"from": str(src), "sha256": sha256(dest)}
        if pkg is not None:
            entry["package"], entry["version"] = pkg
            copyright_file = Path("/usr/share/doc") / pkg[0] / "copyright"
            if copyright_file.is_file():
                shutil.copyfile(copyright_file, out / "licenses" / pkg[0])
        sources[str(dest.relative_to(out))] = entry

    shutil.copy2(binary, out / "tesseract")
    record(binary, out / "tesseract")
    for stub in build_stubs(out) if stubs else []:
        sources[stub.name] = {"from": str((STUBS / STUB_LIBS[stub.name][0]).relative_to(HERE.parent.parent)),
                              "sha256": sha256(stub), "stub": "compiled at build time, every call fails"}
    for soname, path in sorted(needed_libraries(binary, out if stubs else None).items()):
        if path.parent == out:
            continue  # a stand-in built above
        shutil.copyfile(path, out / soname)  # follow the symlink; the app loads it by soname
        record(path, out / soname)

    for lang in langs:
        name = f"{lang}.traineddata"
        src = tessdata / name
        if not src.is_file():
            raise SystemExit(f"{src} is missing: install tesseract-ocr-{lang} (apt-get install tesseract-ocr-{lang})")
        if name not in pins:
            raise SystemExit(f"{name} has no pinned SHA-256 in {PIN_FILE}; add it after checking its origin")
        dest = out / "tessdata" / name
        shutil.copyfile(src, dest)
        if sha256(dest) != pins[name]:
            raise SystemExit(f"{name}: SHA-256 {sha256(dest)} differs from the pinned {pins[name]}")
        record(src, dest)
    shutil.copytree(tessdata / "configs", out / "tessdata" / "configs")

    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    manifest: dict[str, object] = {"tesseract_version": version.splitlines()[0], "languages": langs,
                                   "files": sources}
    (out / "SOURCES.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def self_check(out: Path, langs: list[str]) -> None:
    """Run the copied binary with only the copied libraries and tessdata, as the app will."""
    # LD_BIND_NOW: every symbol Tesseract imports must resolve now, not at first call (catches a stub that
    # lacks a function a newer Tesseract calls).
    env = {"PATH": "/nonexistent", "LD_LIBRARY_PATH": str(out), "TESSDATA_PREFIX": str(out / "tessdata"),
           "OMP_THREAD_LIMIT": "1", "LD_BIND_NOW": "1"}
    res = subprocess.run([str(out / "tesseract"), "--list-langs"], capture_output=True, text=True, env=env,
                         check=False)
    found = {line.strip() for line in res.stdout.splitlines()[1:]}
    missing = set(langs) - found
    if res.returncode != 0 or missing:
        raise SystemExit(f"bundled tesseract self-check failed (missing {sorted(missing)}): {res.stderr.strip()}")
    # Load a traineddata file for real (the stand-in libarchive makes Tesseract read it as a plain file): OCR
    # on a blank 64x64 PGM must exit 0; a language that fails to load exits 1.
    blank = b"P5 64 64 255\n" + b"\xff" * 64 * 64
    ocr = subprocess.run([str(out / "tesseract"), "stdin", "stdout", "-l", "+".join(langs)], input=blank,
                         capture_output=True, env=env, check=False)
    if ocr.returncode != 0:
        raise SystemExit(f"bundled tesseract cannot load its traineddata: {ocr.stderr.decode(errors='replace')}")
    ldd = subprocess.run(["ldd", str(out / "tesseract")], capture_output=True, text=True, check=True,
                         env={**env, "PATH": "/usr/bin:/bin"}).stdout
    outside = [line.strip() for line in ldd.splitlines()
               if "=>" in line and str(out) not in line and not GLIBC.match(line.split()[0])]
    if outside:
        raise SystemExit("bundled tesseract still loads system libraries: " + "; ".join(outside))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    p.add_argument("--binary", type=Path, default=Path(shutil.which("tesseract") or "/usr/bin/tesseract"))
    p.add_argument("--tessdata", type=Path, help="source tessdata folder (default: the binary's own)")
    p.add_argument("--langs", default="eng,deu,fra,spa,ita,por,pol,ces,vie")
    p.add_argument("--real-archive-curl", action="store_true",
                   help="copy Debian's libarchive and libcurl with their dependencies instead of the stand-ins")
    args = p.parse_args(argv)
    langs = [lang for lang in args.langs.split(",") if lang]
    tessdata = args.tessdata or default_tessdata(args.binary)
    manifest = collect(args.binary.resolve(), tessdata, langs, args.out, stubs=not args.real_archive_curl)
    self_check(args.out, langs)
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    files = manifest["files"]
    assert isinstance(files, dict)
    print(f"collected {manifest['tesseract_version']} with {len(files) - len(langs) - 1} libraries and "
          f"{len(langs)} languages into {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
