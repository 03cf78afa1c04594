"""``sav supplier …``: run the reference supplier platform, change one of its orders now."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

DEFAULT_PORT = 8765
DEFAULT_SEED = 2026


def serve(
    port: int, database: Path, seed: int, host: str = "127.0.0.1", latency_ms: int = 0
) -> int:
    """Run the platform under uvicorn, in this process, until stopped."""
    import uvicorn

    from server.suppliers.platform.app import create_platform_app

    app = create_platform_app(database, seed, latency_ms)
    print(
        f"reference supplier platform on http://{host}:{port} (database: {database}, "
        f"seed {app.state.store.seed()}); demo accounts: demo / 100200, "
        "atelier / 100300 (secret demo-secret)",
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def _cents(text: str, what: str) -> int:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise SystemExit(f"error: {what} must be an amount such as 12.50, not {text!r}") from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise SystemExit(f"error: {what} must be a positive amount in cents, not {text!r}")
    return int(value * 100)


def change(
    database: Path,
    order: str,
    *,
    line: int = 1,
    delivery: str | None = None,
    price: str | None = None,
    sale_price: str | None = None,
    part: str | None = None,
    name: str | None = None,
    status: str | None = None,
) -> int:
    """Change a pending order now, as the supplier would; prints the order as it now is."""
    from server.suppliers.platform.store import PlatformError, Store

    if not database.exists():
        print(f"error: no supplier platform database at {database}", file=sys.stderr)
        return 1
    try:
        date = dt.date.fromisoformat(delivery) if delivery else None
    except ValueError:
        print(f"error: --delivery must be a date YYYY-MM-DD, not {delivery!r}", file=sys.stderr)
        return 2
    if all(v is None for v in (delivery, price, sale_price, part, name, status)):
        print(
            "error: say what changes: --delivery, --price, --sale-price, --part, --name "
            "or --status",
            file=sys.stderr,
        )
        return 2
    try:
        result = Store(database).change_order(
            order,
            line=line,
            expected_delivery=date,
            purchase_price_cents=_cents(price, "--price") if price else None,
            sale_price_cents=_cents(sale_price, "--sale-price") if sale_price else None,
            code=part,
            name=name,
            status=status,
        )
    except PlatformError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    from server.suppliers.platform.app import Order

    # as the API shows it (the same field formats)
    print(
        json.dumps(
            Order.model_validate(result).model_dump(mode="json"), indent=2, ensure_ascii=False
        )
    )
    return 0


def default_database() -> Path:
    from client.profiles import data_dir

    return data_dir() / "supplier-platform.db"


def contract() -> dict[str, object]:
    """The platform's OpenAPI document, as the app serves it (no file is touched)."""
    import tempfile

    from server.suppliers.platform.app import create_platform_app

    with tempfile.TemporaryDirectory() as folder:
        return create_platform_app(Path(folder) / "contract.db").openapi()


def write_contract(path: Path) -> int:
    path.write_text(json.dumps(contract(), indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"contract written to {path}")
    return 0


if __name__ == "__main__":  # python -m server.suppliers.cli: rewrite the committed contract
    sys.exit(write_contract(Path(__file__).parent / "contract" / "openapi.json"))
