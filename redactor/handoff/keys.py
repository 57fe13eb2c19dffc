"""The agent's age key: created once, kept encrypted with a passphrase, its public half shared in requests.

Files (`agent-key new -o support.key`):
- `support.key`: the age identity in `age-keygen` format (`# public key: age1...` + `AGE-SECRET-KEY-1...`),
  itself age-encrypted with the passphrase (age's scrypt recipient), mode 0600. The `age` tool opens bundles with
  it directly (`age -d -i support.key case.zip.age` asks for the passphrase), so the app is never the only way in.
- `support.key.pub`: the public key `age1...` on one line; safe to share, used to write requests.
A plain `age-keygen` identity file is accepted too (for agents who keep their key elsewhere).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redactor.errors import BadInput, OutputError, RedactorError
from redactor.fsutil import atomic_output
from redactor.handoff.age_stream import AGE_MAGIC

log = logging.getLogger(__name__)

PUB_SUFFIX = ".pub"
SECRET_PREFIX = "AGE-SECRET-KEY-1"
MIN_PASSPHRASE = 10  # scrypt slows guessing, it does not make "1234" safe: ask for a phrase, not a PIN
MAX_KEY_FILE = 64 * 1024  # an identity file is a few hundred bytes; anything larger is not one
PASSPHRASE_ENV = "BISQ_REDACTOR_PASSPHRASE"  # for scripts and tests; people are asked interactively


class WrongPassphrase(RedactorError):
    pass


@dataclass(frozen=True)
class AgentKey:
    secret_path: Path
    public_path: Path
    public_key: str


def public_path_for(secret_path: Path) -> Path:
    return Path(secret_path).with_name(Path(secret_path).name + PUB_SUFFIX)


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise BadInput(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters (a few words are best).")


def create_key(secret_path: Path, passphrase: str) -> AgentKey:
    """Generate a new X25519 identity, store it passphrase-encrypted at `secret_path` (0600) and its public key
    beside it. Refuses to replace an existing key: a lost key means bundles nobody can open."""
    from pyrage import passphrase as age_passphrase
    from pyrage import x25519

    check_passphrase(passphrase)
    secret_path = Path(secret_path)
    pub_path = public_path_for(secret_path)
    for p in (secret_path, pub_path):
        if p.exists():
            raise OutputError(f"{p} already exists; choose another name (an agent key is never overwritten).")
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = f"# created: {created}\n# public key: {public}\n{identity}\n"
    sealed = age_passphrase.encrypt(text.encode("ascii"), passphrase)
    with atomic_output(secret_path, mode=0o600) as fh:
        fh.write(sealed)
    with atomic_output(pub_path, mode=0o644) as fh:
        fh.write((public + "\n").encode("ascii"))
    log.info("agent key %s created", public)
    return AgentKey(secret_path, pub_path, public)


def _read_small(path: Path, what: str) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > MAX_KEY_FILE:
            raise BadInput(f"{Path(path).name} is too large to be {what}.")
        return Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {what} {path}: {exc.strerror or exc}") from exc


def needs_passphrase(path: Path) -> bool:
    return _read_small(path, "a key file").startswith(AGE_MAGIC)


def load_identities(path: Path, passphrase: str | None = None) -> list[Any]:
    """The identities in an agent key file: passphrase-encrypted (ours) or plain `age-keygen` output."""
    from pyrage import DecryptError, IdentityError, x25519
    from pyrage import passphrase as age_passphrase

    data = _read_small(path, "a key file")
    if data.startswith(AGE_MAGIC):
        if passphrase is None:
            raise WrongPassphrase(f"{Path(path).name} is protected by a passphrase; give it to open the key.")
        try:
            data = age_passphrase.decrypt(data, passphrase)
        except DecryptError as exc:
            raise WrongPassphrase(f"Wrong passphrase for {Path(path).name}.") from exc
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{Path(path).name} is not an age key file.") from exc
    identities = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(SECRET_PREFIX):
            try:
                identities.append(x25519.Identity.from_str(line))
            except IdentityError as exc:
                raise BadInput(f"{Path(path).name} holds a damaged age key.") from exc
    if not identities:
        raise BadInput(f"{Path(path).name} holds no age secret key (AGE-SECRET-KEY-1...).")
    return identities


def read_public_key(path: Path) -> str:
    """The `age1...` public key of an agent key: from `KEY.pub`, a `.pub` file given directly, or the
    `# public key:` line of a plain identity file."""
    from redactor.handoff.age_stream import parse_recipients

    path = Path(path)
    candidates = [path] if path.name.endswith(PUB_SUFFIX) else [public_path_for(path), path]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        data = _read_small(candidate, "a key file")
        if data.startswith(AGE_MAGIC):
            continue  # the encrypted half; its .pub sibling was checked first
        for line in data.decode("ascii", "replace").splitlines():
            word = line.strip().removeprefix("# public key:").strip()
            if word.startswith("age1"):
                parse_recipients([word])
                return word
    raise BadInput(f"No public key found for {path.name} (expected {public_path_for(path).name} beside it).")


def passphrase_from_env() -> str | None:
    return os.environ.get(PASSPHRASE_ENV)
