#!/usr/bin/env bash
# Collect Tesseract for the macOS package into one folder: the binary, its dylibs, tessdata/.
#
#   bash packaging/macos/collect_tesseract.sh [OUT]       (default build/tesseract-macos)
#
# Source: Homebrew's bottle (`brew install tesseract`; Homebrew checks each bottle against the SHA-256 in its
# formula, and SOURCES.json records the formula version and bottle hash we got). Homebrew binaries point at
# their libraries by absolute /opt/homebrew/... paths, so every non-system dylib is copied next to the binary
# and its load commands are rewritten with install_name_tool to @loader_path/<name>; the rewritten files are
# re-signed ad hoc (arm64 refuses to run modified code with a broken signature; the app's signing step
# re-signs them with the Developer ID). tessdata: packaging/fetch_tessdata.py (pinned SHA-256, as on Linux).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-build/tesseract-macos}
LANGS=${BISQ_TESSERACT_LANGS:-eng,deu,fra,spa,ita,por,pol,ces,vie}

brew list tesseract >/dev/null 2>&1 || brew install tesseract
PREFIX=$(brew --prefix)
BIN=$(brew --prefix tesseract)/bin/tesseract
rm -rf "$OUT"
mkdir -p "$OUT/tessdata" "$OUT/licenses"
cp "$BIN" "$OUT/tesseract"
chmod u+w "$OUT/tesseract"

# Non-system dependencies of a Mach-O file (absolute Homebrew paths or @rpath/@loader_path names).
deps() { otool -L "$1" | tail -n +2 | awk '{print $1}' | grep -v -E '^(/usr/lib/|/System/)' || true; }
resolve() {  # a load-command path -> a real file
  case "$1" in
    # keg-only formulae (icu4c, openssl) are not linked into $PREFIX/lib: look in every $PREFIX/opt/<f>/lib too
    @rpath/*|@loader_path/*|@executable_path/*)
      find -L "$PREFIX/lib" "$PREFIX/opt" -maxdepth 3 -name "$(basename "$1")" 2>/dev/null | head -1 ;;
    *) echo "$1" ;;
  esac
}
queue=("$OUT/tesseract")
while ((${#queue[@]})); do
  file=${queue[0]}; queue=("${queue[@]:1}")
  for dep in $(deps "$file"); do
    name=$(basename "$dep")
    [[ "$name" == "$(basename "$file")" ]] && continue  # a dylib's own id
    if [[ ! -f "$OUT/$name" ]]; then
      src=$(resolve "$dep")
      [[ -n "$src" && -f "$src" ]] || { echo "cannot find $dep (needed by $file)" >&2; exit 1; }
      cp "$(python3 -c 'import os,sys; print(os.path.realpath(sys.argv[1]))' "$src")" "$OUT/$name"
      chmod u+w "$OUT/$name"
      install_name_tool -id "@loader_path/$name" "$OUT/$name"
      queue+=("$OUT/$name")
    fi
    install_name_tool -change "$dep" "@loader_path/$name" "$file"
  done
done
for f in "$OUT"/tesseract "$OUT"/*.dylib; do codesign --force --sign - "$f"; done

cp -R "$(brew --prefix tesseract)/share/tessdata/configs" "$OUT/tessdata/configs"
cp "$(brew --prefix tesseract)"/{LICENSE,README.md} "$OUT/licenses/" 2>/dev/null || true
python3 packaging/fetch_tessdata.py "$OUT/tessdata" --langs "$LANGS"

# Self-check: the copied folder alone, no Homebrew on the path, every language present.
if otool -L "$OUT"/tesseract "$OUT"/*.dylib | grep -E "$PREFIX|/usr/local/" ; then
  echo "bundled tesseract still refers to Homebrew paths" >&2; exit 1
fi
langs=$(env -i PATH=/usr/bin:/bin TESSDATA_PREFIX="$OUT/tessdata" "$OUT/tesseract" --list-langs | tail -n +2)
for lang in ${LANGS//,/ }; do grep -qx "$lang" <<<"$langs" || { echo "missing $lang" >&2; exit 1; }; done
version=$("$OUT/tesseract" --version 2>&1 | head -1)
brew info --json=v2 tesseract | python3 -c '
import json, sys
f = json.load(sys.stdin)["formulae"][0]
print(json.dumps({"tesseract_version": sys.argv[1], "homebrew_formula": f["versions"]["stable"],
                  "bottle": {k: v.get("sha256") for k, v in f["bottle"]["stable"]["files"].items()},
                  "languages": sys.argv[2].split(",")}, indent=2))' "$version" "$LANGS" >"$OUT/SOURCES.json"
echo "collected $version into $OUT ($(du -sh "$OUT" | cut -f1))"
