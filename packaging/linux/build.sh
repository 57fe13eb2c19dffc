#!/usr/bin/env bash
# Linux package: one-folder PyInstaller build with Tesseract inside, wrapped as .tar.gz and .deb.
#
#   bash packaging/linux/build.sh            build (called by `make package`)
#   bash packaging/linux/build.sh --if-stale build only when the sources changed since the last build
#
# Needs: the project's venv with PyInstaller (`pip install -e '.[dev,package]'`), tesseract-ocr and the
# tesseract-ocr-<lang> packages (installed here with apt-get when missing and we are root), dpkg-deb.
# Output in dist/: bisq-redactor/ (the app folder), bisq-redactor-<version>-linux-x86_64.tar.gz,
# bisq-redactor_<version>_amd64.deb, and bisq-redactor.sources-sha256 (what the folder was built from).
# No AppImage: appimagetool is not in Debian and cannot be downloaded on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
PY=${PY:-$REPO/.venv/bin/python}
# osd (orientation detection, 10 MB) is pinned too but left out: the redactor never asks Tesseract to rotate.
LANGS=${BISQ_TESSERACT_LANGS:-eng,deu,fra,spa,ita,por,pol,ces,vie}
DIST=$REPO/dist
APP=$DIST/bisq-redactor
STAMP=$DIST/bisq-redactor.sources-sha256

sources_hash() {
  # Everything the folder is built from: code, resources, packaging, installed packages, the Tesseract it copies.
  { find redactor resources packaging pyproject.toml -type f ! -path '*/__pycache__/*' -print0 | sort -z \
      | xargs -0 sha256sum
    "$PY" -m pip freeze --exclude-editable 2>/dev/null
    tesseract --version 2>&1 | head -1
    echo "$LANGS"
  } | sha256sum | cut -d' ' -f1
}

if [[ "${1:-}" == "--if-stale" && -x "$APP/bisq-redactor" && -f "$STAMP" && "$(cat "$STAMP")" == "$(sources_hash)" ]]; then
  echo "dist/bisq-redactor is up to date"
  exit 0
fi

start=$(date +%s)

# 1. Tesseract and the languages we bundle, from Debian's packages.
missing=()
for lang in ${LANGS//,/ }; do
  [[ -f /usr/share/tesseract-ocr/5/tessdata/$lang.traineddata ]] || missing+=("tesseract-ocr-$lang")
done
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
command -v strip >/dev/null || missing+=(binutils)  # strips libpython's debug info
[[ -x /usr/sbin/icupkg ]] || command -v icupkg >/dev/null || missing+=(icu-devtools)  # slim_icu_data.py
command -v gcc >/dev/null || missing+=(gcc)  # compiles the libarchive/libcurl stand-ins (collect_tesseract.py)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
"$PY" packaging/linux/collect_tesseract.py build/tesseract-linux --langs "$LANGS"

t_collect=$(date +%s)

# 2. The app folder.
rm -rf "$APP" "$STAMP"
BISQ_TESSERACT_DIR=build/tesseract-linux "$PY" -m PyInstaller --noconfirm --log-level ERROR \
  --distpath "$DIST" --workpath build/pyinstaller packaging/bisq-redactor.spec
cp packaging/linux/bisq-redactor.desktop "$APP/"
cp build/icons/app.png "$APP/bisq-redactor.png"  # for the .tar.gz: the icon next to the .desktop file
# PyInstaller links every collected library into _internal/; the spec dropped some targets (libQt6Network...).
find "$APP" -xtype l -delete
# Qt's ICU data without the code pages and display names Qt never reads (32 -> 12 MB; collation checked).
"$PY" packaging/linux/slim_icu_data.py "$APP"/_internal/PySide6/Qt/lib/libicudata.so.*
# pyenv/python.org builds ship libpython with debug info (23 MB -> 5 MB). Only it: see the spec on `strip`.
strip --strip-debug "$APP"/_internal/libpython3*.so*
# Tesseract's libraries that are byte-identical to ones PyInstaller put in _internal/ (libstdc++, OpenSSL, zlib,
# Kerberos... 12 MB) become relative symlinks: one copy on disk, and Tesseract still loads them from its folder.
"$PY" - "$APP/_internal" <<'PYEOF'
import filecmp, os, sys
from pathlib import Path
internal = Path(sys.argv[1])
for lib in sorted((internal / "resources" / "tesseract").glob("lib*.so*")):
    twin = internal / lib.name
    if twin.is_file() and not twin.is_symlink() and filecmp.cmp(lib, twin, shallow=False):
        lib.unlink()
        lib.symlink_to(os.path.relpath(twin, lib.parent))
PYEOF
VERSION=$("$PY" -c 'import redactor; print(redactor.__version__)')

t_pyinstaller=$(date +%s)

# 3. .tar.gz (unpack anywhere, run ./bisq-redactor/bisq-redactor) and .deb (/opt/bisq-redactor + menu entry).
rm -f "$DIST"/bisq-redactor-*-linux-x86_64.tar.gz "$DIST"/bisq-redactor_*_amd64.deb
tar -C "$DIST" -czf "$DIST/bisq-redactor-$VERSION-linux-x86_64.tar.gz" bisq-redactor
"$PY" packaging/linux/make_deb.py "$APP" "$VERSION" "$DIST/bisq-redactor_${VERSION}_amd64.deb"

sources_hash >"$STAMP"
echo "phases: Tesseract $((t_collect - start)) s, PyInstaller $((t_pyinstaller - t_collect)) s," \
  "archives $(($(date +%s) - t_pyinstaller)) s"
echo "built in $(($(date +%s) - start)) s: $(du -sh "$APP" | cut -f1) unpacked;" \
  "$(du -h "$DIST/bisq-redactor-$VERSION-linux-x86_64.tar.gz" | cut -f1) tar.gz;" \
  "$(du -h "$DIST/bisq-redactor_${VERSION}_amd64.deb" | cut -f1) deb"
