"""`netsafe triage --key SOURCE=@FILE|-`: passwords and recovery keys for encrypted volumes, read
from a file (or a BitLocker startup key file, `.BEK`) or a hidden prompt (never from the command
line, where shell history and the process list would keep them), into a `KeyRing` whose repr
never shows them."""

from __future__ import annotations

import getpass
from pathlib import Path

from netsafe.cli.output import BadInputError
from netsafe.triage.openers.encryption import is_startup_key_file
from netsafe.triage.openers.interfaces import KeyRing


def read_keys(options: list[str]) -> KeyRing:
    """The key ring of every `--key` option. A file that is a BitLocker startup key (`.BEK`,
    recognised by its content) is kept by its path; any other file's first line is the key."""
    keys: dict[str, str] = {}
    startup_keys: dict[str, Path] = {}
    for option in options:
        source, equals, given = option.partition("=")
        if not equals or not source:
            raise BadInputError(f"--key {source or option!r}...: expected SOURCE=@FILE or SOURCE=-")
        if given == "-":
            secret = getpass.getpass(f"key for {source}: ")
        elif given.startswith("@"):
            path = Path(given[1:])
            try:
                data = path.read_bytes()
                if is_startup_key_file(data):
                    startup_keys[source] = path.resolve()
                    continue
                secret = data.decode("utf-8").strip()
            except (OSError, UnicodeDecodeError) as error:
                raise BadInputError(
                    f"--key {source}=@{path}: cannot read the file ({error})"
                ) from error
        else:
            raise BadInputError(
                f"--key {source}=...: give the key from a file (SOURCE=@FILE) or a prompt "
                "(SOURCE=-), never on the command line"
            )
        if not secret:
            raise BadInputError(f"--key {source}: the key is empty")
        keys[source] = secret
    return KeyRing(keys, startup_keys)
