"""A minimal protobuf wire-format reader: enough to walk Bisq's persisted stores without Bisq's `.proto` files.

Only the wire format is known here (varint, 64-bit, length-delimited, 32-bit); what a field means comes from
the small schemas in `schema.py`. Unknown fields are skipped, so a file from a newer Bisq still reads; a broken
length or a truncated varint raises `WireError`, never an IndexError deep inside.
"""

from __future__ import annotations

from collections.abc import Iterator

VARINT, FIXED64, LEN, START_GROUP, END_GROUP, FIXED32 = 0, 1, 2, 3, 4, 5
MAX_VARINT_BYTES = 10  # a 64-bit varint never needs more
MAX_DEPTH = 40  # Bisq's deepest path (envelope > trade > process model > peer > payload > ...) is about 10


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message (truncated, or not protobuf at all)."""


def read_varint(buf: memoryview, pos: int) -> tuple[int, int]:
    """The varint at `pos` and the position after it."""
    result = shift = 0
    for i in range(MAX_VARINT_BYTES):
        if pos + i >= len(buf):
            raise WireError("truncated varint")
        b = buf[pos + i]
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos + i + 1
        shift += 7
    raise WireError("varint too long")


def fields(data: bytes | memoryview) -> Iterator[tuple[int, int, int | memoryview]]:
    """(field number, wire type, value) for each field of one message, in file order. A length-delimited value
    is a memoryview (a string, bytes, a packed list or a sub-message: the schema decides); others are ints."""
    buf = memoryview(data)
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire == VARINT:
            value, pos = read_varint(buf, pos)
            yield number, wire, value
        elif wire == LEN:
            size, pos = read_varint(buf, pos)
            if pos + size > end:
                raise WireError("length past the end of the message")
            yield number, wire, buf[pos:pos + size]
            pos += size
        elif wire in (FIXED64, FIXED32):
            width = 8 if wire == FIXED64 else 4
            if pos + width > end:
                raise WireError("truncated fixed-width field")
            yield number, wire, int.from_bytes(buf[pos:pos + width], "little")
            pos += width
        else:  # groups are long deprecated; Bisq never writes them
            raise WireError(f"unsupported wire type {wire}")


def delimited(data: bytes) -> memoryview:
    """The one message of a file written with Java's `writeDelimitedTo` (a varint length, then the message), as
    both Bisq 1 (`PersistableEnvelope`) and Bisq 2 (`Any`) persist their stores."""
    buf = memoryview(data)
    size, pos = read_varint(buf, 0)
    if pos + size > len(buf):
        raise WireError(f"the file is cut off ({len(buf) - pos} of {size} bytes)")
    return buf[pos:pos + size]


def text(value: int | memoryview) -> str | None:
    """A length-delimited value as UTF-8 text, or None when it is not (then it was bytes or a sub-message)."""
    if not isinstance(value, memoryview):
        return None
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        return None


# --- writing (tests and the demo data generator encode payloads from field numbers) ------------------------

def varint(n: int) -> bytes:
    if n < 0:
        n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number: int, value: bytes | str | int) -> bytes:
    """One encoded field: an int as a varint, str/bytes (or an encoded sub-message) length-delimited."""
    if isinstance(value, int):
        return varint(number << 3 | VARINT) + varint(value)
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return varint(number << 3 | LEN) + varint(len(raw)) + raw


def message(*parts: tuple[int, bytes | str | int]) -> bytes:
    return b"".join(field(n, v) for n, v in parts)


def write_delimited(msg: bytes) -> bytes:
    return varint(len(msg)) + msg
