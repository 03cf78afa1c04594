"""The server's key for supplier account secrets: Fernet (AES-128-CBC + HMAC), rotatable.

``SAV_SUPPLIER_KEY`` holds one or more Fernet keys, comma-separated, newest first (old ones
still decrypt: rotate by putting a new key in front). Without it, an embedded (SQLite file)
server keeps a key in ``supplier.key`` beside its database, created 0600 on first use; a team
server on PostgreSQL must be given the key (several processes must share it), and says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import make_url

from server.errors import ApiError
from server.i18n import _
from server.settings import Settings

KEY_FILE = "supplier.key"


class NoSupplierKey(ApiError):
    status_code = 503
    code = "no_supplier_key"


class SecretBox:
    def __init__(self, keys: list[bytes]) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise NoSupplierKey(
                _(
                    "a supplier account's secret cannot be read with the server's key: "
                    "enter the account again"
                )
            ) from None


def secret_box(settings: Settings) -> SecretBox:
    if settings.supplier_key is not None:
        keys = [k.strip().encode() for k in settings.supplier_key.get_secret_value().split(",")]
        return SecretBox([k for k in keys if k])
    path = _key_file(settings.database_url)
    if path is None:
        raise NoSupplierKey(
            _("the server has no key for supplier secrets: set SAV_SUPPLIER_KEY (a Fernet key)")
        )
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(Fernet.generate_key())
    return SecretBox([path.read_bytes().strip()])


def _key_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve().parent / KEY_FILE
