#!/usr/bin/env bash
# Wrap an .app as a compressed .dmg with an Applications shortcut (drag to install).
#   bash packaging/macos/make_dmg.sh "dist/Bisq Support Redactor.app" dist/bisq-redactor-0.1.0-macos-arm64.dmg
set -euo pipefail
APP=$1
DMG=$2
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Bisq Support Redactor" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
  if [[ -n "${NOTARY_PROFILE:-}" ]]; then  # created once with `xcrun notarytool store-credentials`
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
  fi
fi
echo "$DMG: $(du -h "$DMG" | cut -f1)"
