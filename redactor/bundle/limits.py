"""Size limits of a bundle, derived from what this app writes. The writer refuses beyond them before it writes
anything, and verify / merge refuse beyond them before they inflate anything, so writer and verifier always
agree (no zip64, bounded memory and time for a hostile zip)."""

from __future__ import annotations

# A trader's bundle holds at most 21 Bisq logs (bisq.log + 20 rolled, facts.md), tor/debug.log, a handful of
# text files and the screenshots the trader chose; a merged case holds two of them. 2048 leaves room for
# hundreds of screenshots and keeps the manifest small enough to parse at once.
MAX_ENTRIES = 2048
# Entry names the app writes are `<tradeId>/<role>/screenshots/<kind>-<n>.png` and shorter (< 120 characters).
MAX_NAME_CHARS = 255
# One manifest record is path + SHA-256 + size (< 400 bytes at MAX_NAME_CHARS): MAX_ENTRIES records fit in 1 MB.
MAX_MANIFEST_BYTES = 2 << 20
# Bisq rolls its logs at 10 MB and a screenshot PNG is < 100 MB; 2 GiB is far above both and below zip32's 4 GiB.
MAX_MEMBER_BYTES = 2 << 30
# Sum of all members inflated: with deflate's overhead and the headers the zip stays below zip32's 4 GiB
# offsets, which is all the strict reader accepts (the writer never writes zip64 records).
MAX_TOTAL_BYTES = 3 << 30
# Deflate cannot inflate more than ~1032 bytes per compressed byte: a header claiming more is not a real stream.
MAX_DEFLATE_RATIO = 1032
# A small text file the app writes and merge reads whole (txids.txt: a few tx IDs).
MAX_TEXT_BYTES = 1 << 20


def human(n: int) -> str:
    """A byte count as a trader reads it ("2.0 GB")."""
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"
