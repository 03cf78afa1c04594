"""The client's tests read its messages in English, whatever language a TUI test left the
translation in (the TUI hands the client its gettext: ``client.messages``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from client import messages


@pytest.fixture(autouse=True)
def client_messages_in_english() -> Iterator[None]:
    before = messages._gettext
    messages.install(None)
    yield
    messages.install(before)
