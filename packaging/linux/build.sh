#!/usr/bin/env bash
# Linux package: one-folder PyInstaller build with Tesseract inside (the tesserocr wheel + pinned tessdata),
# wrapped as .tar.gz and .deb.
#
#   bash packaging/linux/build.sh            build (called by `make package`)
#   bash packaging/linux/build.sh --if-stale build only when the sources changed since the last build
#
# Needs: the project's venv with PyInstaller and tesserocr (`pip install -e '.[dev,package]'`), the
# tesseract-ocr-<lang> packages for their tessdata (installed here with apt-get when missing and we are root;
# their files are checked against packaging/tessdata.sha256), dpkg-deb.
# Output in dist/: bisq-redactor/ (the app folder), bisq-redactor-<version>-linux-x86_64.tar.gz,
# bisq-redactor_<version>_amd64.deb, and bisq-redactor.sources-sha256 (what the folder was built from).
# No AppImage: appimagetool is not in Debian and cannot be downloaded on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
PY=${PY:-$REPO/.venv/bin/python}
# The redactor reads with English only (TesseractOcr(lang="eng")); the other pinned languages (deu, fra, spa, ita,
# por, pol, ces, vie: 18 MB; osd: 10 MB) can be added with BISQ_TESSERACT_LANGS=eng,deu,... once it uses them.
LANGS=${BISQ_TESSERACT_LANGS:-eng}
DIST=$REPO/dist
APP=$DIST/bisq-redactor
STAMP=$DIST/bisq-redactor.sources-sha256

sources_hash() {
  # Everything the folder is built from: code, resources, packaging, installed packages (tesserocr among them).
  { find redactor resources packaging pyproject.toml -type f ! -path '*/__pycache__/*' -print0 | sort -z \
      | xargs -0 sha256sum
    "$PY" -m pip freeze --exclude-editable 2>/dev/null
    echo "$LANGS"
  } | sha256sum | cut -d' ' -f1
}

if [[ "${1:-}" == "--if-stale" && -x "$APP/bisq-redactor" && -f "$STAMP" && "$(cat "$STAMP")" == "$(sources_hash)" ]]; then
  echo "dist/bisq-redactor is up to date"
  exit 0
fi

start=$(date +%s)

# 1. The languages we bundle, from Debian's packages (the same files as tessdata_fast 4.1.0, hash-checked).
#    Tesseract itself is the tesserocr wheel in the venv; PyInstaller collects it with its libraries.
TESSDATA=/usr/share/tesseract-ocr/5/tessdata
missing=()
for lang in ${LANGS//,/ }; do
  [[ -f $TESSDATA/$lang.traineddata ]] || missing+=("tesseract-ocr-$lang")
done
command -v strip >/dev/null || missing+=(binutils)  # strips libpython's debug info
[[ -x /usr/sbin/icupkg ]] || command -v icupkg >/dev/null || missing+=(icu-devtools)  # slim_icu_data.py
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
"$PY" packaging/fetch_tessdata.py build/tessdata --langs "$LANGS" --copy-from "$TESSDATA" --check

t_collect=$(date +%s)

# 2. The app folder.
rm -rf "$APP" "$STAMP"
BISQ_TESSDATA_DIR=build/tessdata "$PY" -m PyInstaller --noconfirm --log-level ERROR \
  --distpath "$DIST" --workpath build/pyinstaller packaging/bisq-redactor.spec
cp packaging/linux/bisq-redactor.desktop "$APP/"
cp build/icons/app.png "$APP/bisq-redactor.png"  # for the .tar.gz: the icon next to the .desktop file
# PyInstaller links every collected library into _internal/; the spec dropped some targets (libQt6Network...).
find "$APP" -xtype l -delete
# Qt's ICU data without the code pages and display names Qt never reads (32 -> 12 MB; collation checked).
"$PY" packaging/linux/slim_icu_data.py "$APP"/_internal/PySide6/Qt/lib/libicudata.so.*
# pyenv/python.org builds ship libpython with debug info (23 MB -> 5 MB). Only it: see the spec on `strip`.
strip --strip-debug "$APP"/_internal/libpython3*.so*
# Wheel libraries rewritten by auditwheel's patchelf carry pages of zeros between their segments (tesserocr's
# files: 27 MB of zeros around 9 MB); compact_elf.py drops them. After that, strip can remove the DWARF debug
# info some wheels and Python's own modules ship with (10 MB: tesserocr 4.5, Pillow 2.7, lib-dynload...):
# only --strip-debug (--strip-unneeded still breaks OpenBLAS); the check below and the package tests load them.
"$PY" packaging/linux/compact_elf.py "$APP/_internal"
find "$APP/_internal" -type f -name '*.so*' -print0 | while IFS= read -r -d '' lib; do
  if readelf -SW "$lib" 2>/dev/null | grep -q '\.debug_'; then strip --strip-debug "$lib"; fi
done
# The rewritten libraries must still load with every symbol bound: OCR in process from the folder alone.
if ! env -i PATH=/nonexistent HOME=/tmp LD_BIND_NOW=1 "$APP/bisq-redactor" --version | grep -q "^OCR: in process"; then
  echo "the built app does not run OCR in process (tesserocr failed to load):" >&2
  env -i PATH=/nonexistent HOME=/tmp LD_BIND_NOW=1 "$APP/bisq-redactor" -v --version >&2
  exit 1
fi
VERSION=$("$PY" -c 'import redactor; print(redactor.__version__)')

t_pyinstaller=$(date +%s)

# 3. .tar.gz (unpack anywhere, run ./bisq-redactor/bisq-redactor) and .deb (/opt/bisq-redactor + menu entry).
rm -f "$DIST"/bisq-redactor-*-linux-x86_64.tar.gz "$DIST"/bisq-redactor_*_amd64.deb
tar -C "$DIST" -czf "$DIST/bisq-redactor-$VERSION-linux-x86_64.tar.gz" bisq-redactor
"$PY" packaging/linux/make_deb.py "$APP" "$VERSION" "$DIST/bisq-redactor_${VERSION}_amd64.deb"

sources_hash >"$STAMP"
echo "phases: tessdata $((t_collect - start)) s, PyInstaller $((t_pyinstaller - t_collect)) s," \
  "archives $(($(date +%s) - t_pyinstaller)) s"
echo "built in $(($(date +%s) - start)) s: $(du -sh "$APP" | cut -f1) unpacked;" \
  "$(du -h "$DIST/bisq-redactor-$VERSION-linux-x86_64.tar.gz" | cut -f1) tar.gz;" \
  "$(du -h "$DIST/bisq-redactor_${VERSION}_amd64.deb" | cut -f1) deb"
