"""The memory floor of the design card's client stack: ``bench.hello_app`` with the libraries
every sav TUI process loads before its first screen, loaded the way sav loads them.

DESIGN.md's card names the client's dependencies: textual, httpx, pydantic, platformdirs and
keyring. This app imports them as ``tui/backend.py`` and ``client/credentials.py`` do (httpx
without its command-line client, a plain-HTTP client with no CA bundle, keyring with its
backend chosen, one pydantic model validated so that pydantic-core's validator exists), then
shows the same "Hello" and option list as ``bench.hello_app``. None of sav's own modules is
imported: what ``bench.memory`` measures above this app's RSS is sav's own share (its modules,
its screens, what they keep). Run with ``python -m bench.hello_stack``.
"""

from __future__ import annotations

import sys


def load_the_stack() -> None:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # as tui/backend.py
    import ssl

    import httpx
    import keyring
    import platformdirs
    from pydantic import BaseModel

    class Probe(BaseModel):
        number: int
        text: str

    Probe.model_validate({"number": 1, "text": "x"})
    keyring.get_keyring()
    platformdirs.user_data_dir("sav")
    no_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    httpx.AsyncClient(base_url="http://127.0.0.1:1", verify=no_tls)


def main() -> None:
    load_the_stack()
    from bench.hello_app import HelloApp

    HelloApp().run()


if __name__ == "__main__":
    main()
