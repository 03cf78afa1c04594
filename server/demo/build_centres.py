"""Demo builder: service centres and users, customers and their appliances."""

from __future__ import annotations

import datetime as dt

from server.demo.build_common import (
    _ascii,
    _DemoState,
    _ymd,
)
from server.demo.data import (
    UNUSABLE_PASSWORD_HASH,
)
from server.demo.data_catalogue import (
    MODELS,
)
from server.demo.data_centres import (
    CENTRES,
    SAVED_ADDRESSES,
    USERS,
)
from server.demo.data_customers import (
    ALSACE_LAST,
    FR_COMPANIES,
    FR_CUSTOMER_NOTES,
    FR_FIRST,
    FR_LAST,
    FR_MAIL,
    FR_RESELLERS,
    FR_STREETS,
    IT_COMPANIES,
    IT_CUSTOMER_NOTES,
    IT_FIRST,
    IT_LAST,
    IT_MAIL,
    IT_RESELLERS,
    IT_STREETS,
    REGIONS,
)


class _CentresBuilder(_DemoState):
    def _centres_and_users(self) -> None:
        for i, c in enumerate(CENTRES):
            self.rows["service_centres"].append(
                {
                    "id": i + 1,
                    **{k: v for k, v in c.items() if k not in ("region", "lang")},
                    "language": c["lang"],
                    "version": 1,
                }
            )
        for i, (owner, address) in enumerate(SAVED_ADDRESSES):
            self.rows["saved_addresses"].append(
                {"id": i + 1, "service_centre_id": owner + 1, **address}
            )
        for i, (username, name, role, centre, lang, usable) in enumerate(USERS):
            first, last = name.split(" ", 1)
            domain = (
                "constructeur.example"
                if centre is None
                else (f"{_ascii(CENTRES[centre]['name'].split()[0])}.example")
            )
            self.rows["users"].append(
                {
                    "id": i + 1,
                    "username": username,
                    "full_name": name,
                    "email": f"{_ascii(first)}.{_ascii(last)}@{domain}",
                    "role": role,
                    "language": lang,
                    "service_centre_id": None if centre is None else centre + 1,
                    "password_hash": self.password_hashes[username]
                    if usable
                    else UNUSABLE_PASSWORD_HASH,
                    "active": True,
                    "created_at": self.now - dt.timedelta(days=900 - 20 * i),
                }
            )

    def _customer(self, region: str) -> int:
        rng = self.rng
        info = REGIONS[region]
        italian = info["country"] == "IT"
        first = rng.choice(IT_FIRST if italian else FR_FIRST)
        if italian:
            last = rng.choice(IT_LAST)
        elif region == "alsace" and rng.random() < 0.45:
            last = rng.choice(ALSACE_LAST)
        else:
            last = rng.choice(FR_LAST)
        postal_code, city = rng.choice(info["cities"])
        number = rng.randint(1, 120)
        if italian:
            street = f"{rng.choice(IT_STREETS)} {number}"
            phone = (
                f"{info['landline']}{rng.randint(0, 9999999):07d}"
                if rng.random() < 0.4
                else f"3{rng.randint(20, 49)}{rng.randint(0, 9999999):07d}"
            )
            domain = rng.choice(IT_MAIL)
        else:
            bis = " bis" if rng.random() < 0.06 else ""
            street = f"{number}{bis} {rng.choice(FR_STREETS)}"
            phone = (
                f"{info['landline']}{rng.randint(0, 99999999):08d}"
                if rng.random() < 0.5
                else f"0{rng.choice('67')}{rng.randint(0, 99999999):08d}"
            )
            domain = rng.choice(FR_MAIL)
        email = ""
        if rng.random() < 0.8:
            tail = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
            email = f"{_ascii(first)}.{_ascii(last)}{tail}@{domain}"
        company = ""
        if rng.random() < 0.04:
            company = rng.choice(IT_COMPANIES if italian else FR_COMPANIES).format(
                first=first, last=last
            )
        note = ""
        if rng.random() < 0.08:
            note = rng.choice(IT_CUSTOMER_NOTES if italian else FR_CUSTOMER_NOTES)
        customer_id = self.customer_ids.take()
        self.rows["customers"].append(
            {
                "id": customer_id,
                "first_name": first,
                "last_name": last,
                "company": company,
                "privacy_agreed": rng.random() < 0.8,
                "street": street,
                "postal_code": postal_code,
                "city": city,
                "region": info["region"],
                "country": info["country"],
                "home_phone": phone,
                "email": email,
                "note": note,
            }
        )
        self.customers_by_region[region].append(customer_id)
        self.customer_region[customer_id] = region
        return customer_id

    def _appliance(self, customer_id: int, created: dt.datetime, italian: bool) -> int:
        rng = self.rng
        model_id = rng.randint(1, len(MODELS))
        code, si, *_rest = MODELS[model_id - 1]
        days_old = int(rng.triangular(30, 3650, 300))
        production = created.date() - dt.timedelta(days=days_old)
        purchase = production + dt.timedelta(days=rng.randint(15, 200))
        purchase = min(purchase, created.date() - dt.timedelta(days=1))
        serial = f"{self.model_series[model_id]}{_ymd(production)}{rng.randint(0, 9999999):07d}"
        reseller = rng.choice(IT_RESELLERS if italian else FR_RESELLERS)
        if rng.random() < 0.2:
            reseller = ""
        invoice = "" if rng.random() < 0.3 else f"F{rng.randint(100000, 99999999)}"
        appliance_id = self.appliance_ids.take()
        self.rows["appliances"].append(
            {
                "id": appliance_id,
                "customer_id": customer_id,
                "model_code": code,
                "service_index": si,
                "serial_number": serial,
                "production_date": production,
                "purchase_date": purchase,
                "invoice_number": invoice,
                "reseller": reseller,
            }
        )
        self.appliances_of.setdefault(customer_id, []).append(appliance_id)
        self.appliance_model[appliance_id] = model_id
        self.appliance_purchase[appliance_id] = purchase
        self.reseller_of[appliance_id] = reseller
        return appliance_id
