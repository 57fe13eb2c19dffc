#!/usr/bin/env python3
"""Wrap the PyInstaller folder as a .deb: /opt/bisq-redactor, /usr/bin/bisq-redactor, a menu entry.

Depends is computed, not hand-kept: every ELF file in the folder is run through ldd with the folder's own
library directories first; whatever still resolves to a system path is mapped to its Debian package with
dpkg-query (glibc, GL/EGL, fontconfig, X11/xcb...). Libraries Qt's X11 plugin needs that are missing on the
build machine are mapped by name (KNOWN_MISSING), so a desktop gets them installed with the app.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

KNOWN_MISSING = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}
# Loaded with dlopen, so ldd cannot see them: Qt >= 6.5's X11 plugin refuses to start without libxcb-cursor.
DLOPENED = {"libxcb-cursor0"}
# Plugins that only load where their toolkit is installed; their missing libraries are not our dependency.
OPTIONAL_PLUGIN_DIRS = ("platformthemes",)
REPO = Path(__file__).resolve().parents[2]


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_dependencies(app: Path) -> tuple[set[Path], set[str]]:
    """(system library paths the folder loads, sonames that no library on this machine provides)."""
    lib_dirs = {str(p.parent) for p in app.rglob("*.so*")}
    env = {**os.environ, "LD_LIBRARY_PATH": os.pathsep.join(sorted(lib_dirs))}
    system: set[Path] = set()
    missing: set[str] = set()
    for elf in elf_files(app):
        out = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env, check=False).stdout
        optional = any(part in elf.parts for part in OPTIONAL_PLUGIN_DIRS)
        for line in out.splitlines():
            parts = line.split()
            if "=>" not in parts:
                continue
            target = parts[parts.index("=>") + 1]
            if target == "not":
                if not optional:
                    missing.add(parts[0])
            elif target.startswith("/") and not Path(target).resolve().is_relative_to(app.resolve()):
                system.add(Path(target))
    return system, missing


def packages_of(paths: set[Path]) -> set[str]:
    pkgs: set[str] = set()
    for path in sorted(paths):
        for candidate in (path, path.resolve()):
            res = subprocess.run(["dpkg-query", "-S", str(candidate)], capture_output=True, text=True, check=False)
            if res.returncode == 0:
                pkgs.add(res.stdout.split(":", 1)[0].split(",")[0].strip())
                break
        else:
            print(f"warning: no Debian package owns {path}", file=sys.stderr)
    return pkgs


def depends_line(app: Path) -> str:
    system, missing = system_dependencies(app)
    pkgs = packages_of(system)
    unknown = sorted(m for m in missing if m not in KNOWN_MISSING)
    if unknown:  # a library the package needs that neither it nor a known Debian package provides
        raise SystemExit(f"unresolved libraries in {app}: {', '.join(unknown)}")
    pkgs |= {KNOWN_MISSING[m] for m in missing if m in KNOWN_MISSING} | DLOPENED
    glibc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libc6"], capture_output=True, text=True,
                           check=True).stdout.split("-")[0]
    return ", ".join(f"libc6 (>= {glibc})" if p == "libc6" else p for p in sorted(pkgs))


def build(app: Path, version: str, out: Path) -> None:
    root = REPO / "build" / "deb" / "root"
    if root.parent.exists():
        shutil.rmtree(root.parent)
    opt = root / "opt" / "bisq-redactor"
    shutil.copytree(app, opt, symlinks=True, copy_function=os.link)  # hard links: no second copy on disk
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "bisq-redactor").symlink_to("/opt/bisq-redactor/bisq-redactor")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copyfile(REPO / "packaging" / "linux" / "bisq-redactor.desktop", apps / "bisq-redactor.desktop")
    # The icon the .desktop entry names (Icon=bisq-redactor), drawn by packaging/make_icons.py during the build.
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    for source, dest in (("app.png", "256x256/apps/bisq-redactor.png"), ("app.svg", "scalable/apps/bisq-redactor.svg")):
        icon = REPO / "build" / "icons" / source
        if not icon.is_file():
            raise SystemExit(f"{icon} is missing: the spec draws it (packaging/make_icons.py)")
        (hicolor / dest).parent.mkdir(parents=True)
        shutil.copyfile(icon, hicolor / dest)
    size_kb = sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink()) // 1024
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        "Package: bisq-redactor\n"
        f"Version: {version}\n"
        "Architecture: amd64\n"
        "Maintainer: Bisq Support Redactor developers <noreply@localhost>\n"
        f"Installed-Size: {size_kb}\n"
        f"Depends: {depends_line(app)}\n"
        "Section: utils\n"
        "Priority: optional\n"
        "Description: prepare a Bisq support bundle without leaking payment-account data\n"
        " Collects the logs, screenshots and contract a Bisq support agent asks for, removes bank details,\n"
        " names and e-mails, and writes one zip named after the trade ID. Tesseract OCR is included.\n"
    )
    # gzip -6 like the .tar.gz: dpkg-deb's default -9 takes three times as long for under 1 % less.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(root.parent)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("app", type=Path)
    p.add_argument("version")
    p.add_argument("out", type=Path)
    args = p.parse_args()
    build(args.app, args.version, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
