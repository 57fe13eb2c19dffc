#!/usr/bin/env bash
# macOS package: PyInstaller .app with Tesseract inside, wrapped as a .dmg.
#
#   bash packaging/macos/build.sh
#
# Needs Python 3.11 on an Apple-silicon Mac (tesserocr's macOS wheel, which carries libtesseract and
# Leptonica, is arm64 only); the language data is downloaded and hash-checked (fetch_tessdata.py).
# Output: dist/Bisq Support Redactor.app and
# dist/bisq-redactor-<version>-macos-<arch>.dmg. Signing/notarisation: see packaging/README.md (the
# CODESIGN_IDENTITY variable turns it on).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-python3}
[[ $(uname -m) == arm64 ]] || { echo "tesserocr has no macOS wheel for $(uname -m): build on Apple silicon" >&2; exit 1; }
"$PY" -m pip install -q -e '.[dev,package]'
"$PY" packaging/fetch_tessdata.py build/tessdata --check
BISQ_TESSDATA_DIR=build/tessdata "$PY" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/bisq-redactor.spec
APP="dist/Bisq Support Redactor.app"
VERSION=$("$PY" -c 'import redactor; print(redactor.__version__)')

if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
  # Hardened runtime is required for notarisation; sign inside-out (tesserocr's dylibs too).
  find "$APP/Contents" -type f \( -name '*.dylib' -o -name '*.so' \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime --sign "$CODESIGN_IDENTITY"
  codesign --force --timestamp --options runtime --sign "$CODESIGN_IDENTITY" "$APP"
fi

bash packaging/macos/make_dmg.sh "$APP" "dist/bisq-redactor-$VERSION-macos-$(uname -m).dmg"
