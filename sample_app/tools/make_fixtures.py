#!/usr/bin/env python
"""Deterministic generator for the sample_app JSON fixtures.

Run from anywhere:

    python tools/make_fixtures.py

It rewrites every <app>/fixtures/*.json file and FIXTURE_FACTS.md. The output
only depends on the seed (random.Random(2012)), so re-running it produces
byte-identical files. It does not need Django to be configured.
"""
import hashlib
import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SEED = 2012

N_CUSTOMERS = 40
N_ADDRESSES = 65
N_PRODUCTS = 100
N_PROMOTIONS = 20
N_ORDERS = 110
N_TICKETS = 30
N_COMMENTS = 45

# Must match orders/migrations/0002_shipping_methods.py
SHIPPING_METHODS = {
    1: ("standard", "Standard", Decimal("4.99")),
    2: ("express", "Express", Decimal("9.99")),
    3: ("overnight", "Overnight", Decimal("19.99")),
}

FIRST_NAMES = [
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah",
    "Sophia", "James", "Isabella", "William", "Mia", "Benjamin", "Charlotte",
    "Lucas", "Harper", "Henry", "Evelyn", "Theodore", "Luna", "Jack", "Ella",
    "Levi", "Chloe", "Alexander", "Sofia", "Mateo", "Aria", "Daniel", "Nora",
    "Samuel", "Hannah", "Leo", "Zoe", "Hugo", "Clara", "Felix", "Ingrid",
    "Lars", "Marta", "Pablo", "Giulia", "Marco", "Anouk", "Sven", "Aisha",
    "Omar", "Yuki", "Kenji",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
    "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson",
    "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
    "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
    "Mueller", "Schmidt", "Rossi", "Bianchi", "Dubois", "Laurent", "Jansen",
    "de Vries", "Nielsen", "Hansen", "Novak", "Kowalski", "Silva", "Santos",
    "O'Brien",
]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com"]

# city -> (country code, postcode format)
CITIES = {
    "London": ("GB", "uk"),
    "Manchester": ("GB", "uk"),
    "Edinburgh": ("GB", "uk"),
    "Dublin": ("IE", "ie"),
    "Paris": ("FR", "5"),
    "Lyon": ("FR", "5"),
    "Berlin": ("DE", "5"),
    "Munich": ("DE", "5"),
    "Hamburg": ("DE", "5"),
    "Amsterdam": ("NL", "nl"),
    "Rotterdam": ("NL", "nl"),
    "Madrid": ("ES", "5"),
    "Barcelona": ("ES", "5"),
    "Milan": ("IT", "5"),
    "Rome": ("IT", "5"),
    "Copenhagen": ("DK", "4"),
    "Oslo": ("NO", "4"),
    "Stockholm": ("SE", "se"),
    "Vienna": ("AT", "4"),
    "Lisbon": ("PT", "pt"),
    "Warsaw": ("PL", "pl"),
    "Prague": ("CZ", "se"),
    "New York": ("US", "5"),
    "Chicago": ("US", "5"),
    "Toronto": ("CA", "ca"),
}
STREETS = [
    "High Street", "Station Road", "Main Street", "Church Lane", "Park Avenue",
    "Mill Road", "Kingsway", "Victoria Street", "Market Square", "Elm Grove",
    "Rue de la Paix", "Hauptstrasse", "Keizersgracht", "Calle Mayor",
    "Via Roma", "Nyhavn", "Storgata", "Drottninggatan", "Ringstrasse",
    "Rua Augusta", "Ulica Nowy Swiat", "Oak Street", "Maple Drive",
    "Queen Street West", "Lake Shore Drive",
]

# (slug, name, parent slug or None)
CATEGORIES = [
    ("electronics", "Electronics", None),
    ("home-kitchen", "Home & Kitchen", None),
    ("sports-outdoors", "Sports & Outdoors", None),
    ("books", "Books", None),
    ("clothing", "Clothing", None),
    ("phones", "Phones", "electronics"),
    ("laptops", "Laptops", "electronics"),
    ("audio", "Audio", "electronics"),
    ("cameras", "Cameras", "electronics"),
    ("cookware", "Cookware", "home-kitchen"),
    ("furniture", "Furniture", "home-kitchen"),
    ("lighting", "Lighting", "home-kitchen"),
    ("cycling", "Cycling", "sports-outdoors"),
    ("camping", "Camping", "sports-outdoors"),
    ("fitness", "Fitness", "sports-outdoors"),
    ("fiction", "Fiction", "books"),
    ("non-fiction", "Non-fiction", "books"),
    ("mens", "Men's Clothing", "clothing"),
    ("womens", "Women's Clothing", "clothing"),
    ("kids", "Kids' Clothing", "clothing"),
]
# leaf slug -> (SKU prefix, nouns, (min price, max price))
LEAF_PRODUCTS = {
    "phones": ("PHN", ["Smartphone", "Phone Case", "Charger", "Screen Protector"], (9, 1199)),
    "laptops": ("LAP", ["Ultrabook", "Laptop", "Laptop Sleeve", "Docking Station"], (29, 2499)),
    "audio": ("AUD", ["Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar"], (19, 899)),
    "cameras": ("CAM", ["Mirrorless Camera", "Lens", "Tripod", "Action Camera"], (25, 2199)),
    "cookware": ("CKW", ["Frying Pan", "Saucepan", "Dutch Oven", "Knife Set"], (12, 349)),
    "furniture": ("FUR", ["Desk", "Bookshelf", "Armchair", "Side Table"], (39, 1299)),
    "lighting": ("LGT", ["Desk Lamp", "Floor Lamp", "Pendant Light", "LED Strip"], (9, 399)),
    "cycling": ("CYC", ["Bike Helmet", "Bike Light", "Road Bike", "Bike Lock"], (15, 1899)),
    "camping": ("CMP", ["Tent", "Sleeping Bag", "Camping Stove", "Headlamp"], (12, 699)),
    "fitness": ("FIT", ["Yoga Mat", "Kettlebell", "Dumbbell Set", "Resistance Band"], (8, 499)),
    "fiction": ("FIC", ["Novel", "Short Stories", "Thriller", "Fantasy Saga"], (6, 39)),
    "non-fiction": ("NFC", ["Cookbook", "Biography", "History", "Field Guide"], (8, 59)),
    "mens": ("MEN", ["T-Shirt", "Jeans", "Rain Jacket", "Wool Sweater"], (12, 249)),
    "womens": ("WMN", ["Blouse", "Dress", "Rain Jacket", "Cardigan"], (12, 279)),
    "kids": ("KID", ["Hoodie", "Sneakers", "Raincoat", "Pyjamas"], (9, 89)),
}
ADJECTIVES = [
    "Classic", "Pro", "Lite", "Eco", "Premium", "Compact", "Deluxe", "Urban",
    "Nordic", "Everyday", "Trail", "Studio", "Smart", "Vintage", "Essential",
]
TAGS = [
    "bestseller", "new", "eco-friendly", "sale", "gift-idea", "limited-edition",
    "clearance", "bundle", "handmade", "imported", "organic", "recycled",
    "waterproof", "wireless", "lightweight", "premium", "budget", "kids",
    "outdoor", "indoor", "travel", "vegan", "fair-trade", "staff-pick",
    "back-in-stock", "seasonal", "exclusive", "refurbished", "local", "durable",
]
STAFF = [
    # username, first, last, groups, is_superuser
    ("admin", "Ada", "Admin", [1], True),
    ("jsupport", "Jane", "Porter", [2], False),
    ("mchen", "Ming", "Chen", [2], False),
    ("rgarcia", "Rosa", "Garcia", [2], False),
    ("tkowalski", "Tomasz", "Kowalski", [2], False),
    ("alarsen", "Anna", "Larsen", [2], False),
    ("bokafor", "Bola", "Okafor", [2, 3], False),
    ("cdubois", "Camille", "Dubois", [3], False),
    ("dschmidt", "Dieter", "Schmidt", [3], False),
    ("erossi", "Elena", "Rossi", [3], False),
    ("fnguyen", "Farah", "Nguyen", [1, 2], False),
    ("gwilson", "George", "Wilson", [3], False),
    ("hsato", "Hana", "Sato", [2], False),
    ("ijansen", "Ivo", "Jansen", [3], False),
    ("kmurphy", "Kate", "Murphy", [2], False),
    ("lsilva", "Luis", "Silva", [3], False),
    ("mpatel", "Maya", "Patel", [1], False),
]
GROUPS = {1: "Managers", 2: "Support", 3: "Warehouse"}
SUPPORT_USER_PKS = [pk for pk, s in enumerate(STAFF, start=1) if 2 in s[3]]
TICKET_SUBJECTS = [
    "Where is my order?", "Item arrived damaged", "Wrong size delivered",
    "Refund not received", "Change shipping address", "Cancel my order",
    "Product stopped working", "Missing item in parcel", "Invoice request",
    "Discount code not applied", "Question about warranty",
    "Update my email address", "Loyalty points missing", "Account locked",
    "Delivery delayed",
]
COMMENT_BODIES = [
    "Thanks for reaching out, we are looking into this.",
    "Could you send us a photo of the item?",
    "I have attached the photo as requested.",
    "The parcel has been handed over to the courier again.",
    "We have issued a refund to your original payment method.",
    "Still waiting for an update, please advise.",
    "A replacement is on its way.",
    "Please confirm your new shipping address.",
    "Closing this ticket, feel free to reply if anything else comes up.",
    "The courier reports the parcel as delivered to a neighbour.",
]


def money(value):
    return Decimal(value).quantize(Decimal("0.01"))


def fmt_dt(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def md5_password(password, salt):
    # Same format as django.contrib.auth.hashers.MD5PasswordHasher.encode()
    digest = hashlib.md5((salt + password).encode()).hexdigest()
    return f"md5${salt}${digest}"


def postcode(rng, fmt):
    if fmt == "uk":
        letters = "ABCDEFGHJKLMNPRSTUWXY"
        return f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    if fmt == "ie":
        return f"D{rng.randint(1, 24):02d} {rng.choice('ACEFHKNPRTVWXY')}{rng.randint(100, 999)}"
    if fmt == "nl":
        return f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
    if fmt == "se":
        return f"{rng.randint(100, 999)} {rng.randint(10, 99)}"
    if fmt == "pt":
        return f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}"
    if fmt == "pl":
        return f"{rng.randint(0, 99):02d}-{rng.randint(100, 999)}"
    if fmt == "ca":
        return f"M{rng.randint(1, 9)}{rng.choice('ABCEGHJKLMNPRSTVXY')} {rng.randint(1, 9)}{rng.choice('ABCEGHJKLMNPRSTVXY')}{rng.randint(1, 9)}"
    return f"{rng.randint(10 ** (int(fmt) - 1), 10 ** int(fmt) - 1)}"


def obj(model, pk, fields):
    return {"model": model, "pk": pk, "fields": fields}


def write(path, objects):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(objects, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main():
    rng = random.Random(SEED)
    facts = {}

    # ---------------------------------------------------------------- accounts
    customers = []
    emails = set()
    city_names = list(CITIES)
    for pk in range(1, N_CUSTOMERS + 1):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        n = 2
        while email in emails:
            email = f"{local}{n}@{email.split('@')[1]}"
            n += 1
        emails.add(email)
        joined = date(2019, 1, 1) + timedelta(days=rng.randint(0, 5 * 365))
        customers.append({
            "pk": pk,
            "email": email,
            "first_name": first,
            "last_name": last,
            "city": rng.choice(city_names),
            "joined": joined,
            "is_active": rng.random() > 0.1,
            "credit_limit": money(rng.choice([0, 250, 500, 1000, 1500, 2500, 5000])),
        })

    # every customer gets one default address; the rest are spread randomly
    owners = list(range(1, N_CUSTOMERS + 1))
    owners += [rng.randint(1, N_CUSTOMERS) for _ in range(N_ADDRESSES - N_CUSTOMERS)]
    owners.sort()
    addresses = []
    addresses_by_customer = defaultdict(list)
    for pk, owner in enumerate(owners, start=1):
        cust = customers[owner - 1]
        is_first = not addresses_by_customer[owner]
        city = cust["city"] if is_first else rng.choice(city_names)
        country, pfmt = CITIES[city]
        addr = {
            "pk": pk,
            "customer": owner,
            "line1": f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
            "city": city,
            "postcode": postcode(rng, pfmt),
            "country": country,
            "is_default": is_first,
        }
        addresses.append(addr)
        addresses_by_customer[owner].append(pk)

    accounts_objects = [
        obj("accounts.customer", c["pk"], {
            "email": c["email"],
            "first_name": c["first_name"],
            "last_name": c["last_name"],
            "city": c["city"],
            "joined": c["joined"].isoformat(),
            "is_active": c["is_active"],
            "credit_limit": str(c["credit_limit"]),
        })
        for c in customers
    ] + [
        obj("accounts.address", a["pk"], {
            "customer": a["customer"],
            "line1": a["line1"],
            "city": a["city"],
            "postcode": a["postcode"],
            "country": a["country"],
            "is_default": a["is_default"],
        })
        for a in addresses
    ]
    write(BASE_DIR / "accounts" / "fixtures" / "customers.json", accounts_objects)

    # ------------------------------------------------------------------- staff
    staff_objects = [
        obj("auth.group", pk, {"name": name, "permissions": []})
        for pk, name in GROUPS.items()
    ]
    for pk, (username, first, last, groups, superuser) in enumerate(STAFF, start=1):
        salt = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
        joined = datetime(2020, 1, 6, 9, 0, tzinfo=timezone.utc) + timedelta(days=rng.randint(0, 1200))
        staff_objects.append(obj("auth.user", pk, {
            "password": md5_password("secret", salt),
            "last_login": None,
            "is_superuser": superuser,
            "username": username,
            "first_name": first,
            "last_name": last,
            "email": f"{username}@staff.example.com",
            "is_staff": True,
            "is_active": username != "gwilson",
            "date_joined": fmt_dt(joined),
            "groups": groups,
            "user_permissions": [],
        }))
    write(BASE_DIR / "accounts" / "fixtures" / "staff.json", staff_objects)

    # ----------------------------------------------------------------- catalog
    catalog_objects = []
    category_pk = {}
    for pk, (slug, name, parent) in enumerate(CATEGORIES, start=1):
        category_pk[slug] = pk
        catalog_objects.append(obj("catalog.category", pk, {
            "name": name,
            "slug": slug,
            "parent": [parent] if parent else None,
        }))
    for pk, name in enumerate(TAGS, start=1):
        catalog_objects.append(obj("catalog.tag", pk, {"name": name}))

    products = []
    leaves = list(LEAF_PRODUCTS)
    names_seen = set()
    for pk in range(1, N_PRODUCTS + 1):
        leaf = rng.choice(leaves)
        prefix, nouns, (lo, hi) = LEAF_PRODUCTS[leaf]
        while True:
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(nouns)} {rng.choice('ABCDEFGHKMSTXZ')}{rng.randint(1, 99)}"
            if name not in names_seen:
                names_seen.add(name)
                break
        price = money(rng.randint(lo, hi)) + Decimal(rng.choice(["0.00", "0.49", "0.95", "0.99"]))
        tags = sorted(rng.sample(range(1, len(TAGS) + 1), rng.randint(1, 4)))
        products.append({
            "pk": pk,
            "sku": f"{prefix}-{1000 + pk}",
            "name": name,
            "category": leaf,
            "price": price,
            "tags": tags,
            "is_active": rng.random() > 0.08,
            "stock": rng.choice([0, 0] + list(range(1, 250))),
        })
    for p in products:
        catalog_objects.append(obj("catalog.product", p["pk"], {
            "sku": p["sku"],
            "name": p["name"],
            "category": [p["category"]],
            "price": str(p["price"]),
            "tags": p["tags"],
            "is_active": p["is_active"],
            "stock": p["stock"],
        }))
    write(BASE_DIR / "catalog" / "fixtures" / "catalog.json", catalog_objects)

    promotions = []
    promo_products = rng.sample(range(1, N_PRODUCTS + 1), N_PROMOTIONS)
    codes = set()
    for pk, product in enumerate(promo_products, start=1):
        percent = rng.choice([5, 10, 10, 15, 20, 25, 30, 40, 50])
        while True:
            code = f"{rng.choice(['SPRING', 'SUMMER', 'AUTUMN', 'WINTER', 'FLASH', 'VIP', 'WELCOME'])}{percent}-{rng.randint(100, 999)}"
            if code not in codes:
                codes.add(code)
                break
        starts = date(2024, 1, 1) + timedelta(days=rng.randint(0, 330))
        ends = starts + timedelta(days=rng.choice([7, 14, 30, 60]))
        promotions.append({"pk": pk, "code": code, "product": product, "percent_off": percent,
                           "starts": starts, "ends": ends})
    write(BASE_DIR / "catalog" / "fixtures" / "promotions.json", [
        obj("catalog.promotion", p["pk"], {
            "code": p["code"],
            "product": p["product"],
            "percent_off": p["percent_off"],
            "starts": p["starts"].isoformat(),
            "ends": p["ends"].isoformat(),
        })
        for p in promotions
    ])

    # ---------------------------------------------------------------- shipping
    # Same rows as the data migration orders.0002_shipping_methods. The fixture
    # exists for TransactionTestCase classes: they flush every table after each
    # test (migration rows included), so they load `shipping` explicitly.
    write(BASE_DIR / "orders" / "fixtures" / "shipping.json", [
        obj("orders.shippingmethod", pk, {
            "code": code,
            "name": name,
            "price": str(price),
        })
        for pk, (code, name, price) in sorted(SHIPPING_METHODS.items())
    ])

    # ------------------------------------------------------------------ orders
    orders = []
    lines = []
    line_pk = 0
    statuses = ["pending"] * 15 + ["paid"] * 30 + ["shipped"] * 45 + ["cancelled"] * 10
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    for pk in range(1, N_ORDERS + 1):
        customer = rng.randint(1, N_CUSTOMERS)
        shipping_address = rng.choice(addresses_by_customer[customer]) if rng.random() > 0.05 else None
        method = rng.choice([1, 1, 1, 2, 2, 3])
        placed_at = start + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        order_lines = []
        for product in rng.sample(range(1, N_PRODUCTS + 1), rng.randint(1, 5)):
            line_pk += 1
            order_lines.append({
                "pk": line_pk,
                "order": pk,
                "product": product,
                "quantity": rng.choice([1, 1, 1, 2, 2, 3, 4, 5]),
                "unit_price": products[product - 1]["price"],
            })
        total = sum((l["unit_price"] * l["quantity"] for l in order_lines), Decimal("0.00"))
        total += SHIPPING_METHODS[method][2]
        orders.append({
            "pk": pk,
            "customer": customer,
            "shipping_address": shipping_address,
            "shipping_method": method,
            "placed_at": placed_at,
            "status": rng.choice(statuses),
            "total": money(total),
            "lines": order_lines,
        })
        lines.extend(order_lines)
    write(BASE_DIR / "orders" / "fixtures" / "orders.json", [
        obj("orders.order", o["pk"], {
            "customer": o["customer"],
            "shipping_address": o["shipping_address"],
            "shipping_method": o["shipping_method"],
            "placed_at": fmt_dt(o["placed_at"]),
            "status": o["status"],
            "total": str(o["total"]),
        })
        for o in orders
    ] + [
        obj("orders.orderline", l["pk"], {
            "order": l["order"],
            "product": l["product"],
            "quantity": l["quantity"],
            "unit_price": str(l["unit_price"]),
        })
        for l in lines
    ])

    # ----------------------------------------------------------------- support
    tickets = []
    for pk in range(1, N_TICKETS + 1):
        if rng.random() < 0.65:
            order = orders[rng.randint(1, N_ORDERS) - 1]
            customer = order["customer"]
            order_pk = order["pk"]
            opened_at = order["placed_at"] + timedelta(hours=rng.randint(2, 24 * 20))
        else:
            customer = rng.randint(1, N_CUSTOMERS)
            order_pk = None
            opened_at = start + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        tickets.append({
            "pk": pk,
            "customer": customer,
            "order": order_pk,
            "assignee": rng.choice(SUPPORT_USER_PKS) if rng.random() > 0.2 else None,
            "subject": rng.choice(TICKET_SUBJECTS),
            "status": rng.choice(["open"] * 3 + ["waiting"] * 2 + ["closed"] * 5),
            "priority": rng.choice([1, 2, 2, 2, 3, 3, 4]),
            "opened_at": opened_at,
        })
    comments = []
    ticket_for_comment = sorted(rng.randint(1, N_TICKETS) for _ in range(N_COMMENTS))
    last_time = {}
    for pk, ticket_pk in enumerate(ticket_for_comment, start=1):
        ticket = tickets[ticket_pk - 1]
        prev = last_time.get(ticket_pk, ticket["opened_at"])
        created_at = prev + timedelta(minutes=rng.randint(10, 3 * 24 * 60))
        last_time[ticket_pk] = created_at
        if rng.random() < 0.5:
            cust = customers[ticket["customer"] - 1]
            author = f"{cust['first_name']} {cust['last_name']}"
        else:
            staff = STAFF[(ticket["assignee"] or SUPPORT_USER_PKS[0]) - 1]
            author = f"{staff[1]} {staff[2]}"
        comments.append({
            "pk": pk,
            "ticket": ticket_pk,
            "author_name": author,
            "body": rng.choice(COMMENT_BODIES),
            "created_at": created_at,
        })
    write(BASE_DIR / "support" / "fixtures" / "tickets.json", [
        obj("support.ticket", t["pk"], {
            "customer": t["customer"],
            "order": t["order"],
            "assignee": t["assignee"],
            "subject": t["subject"],
            "status": t["status"],
            "priority": t["priority"],
            "opened_at": fmt_dt(t["opened_at"]),
        })
        for t in tickets
    ] + [
        obj("support.comment", c["pk"], {
            "ticket": c["ticket"],
            "author_name": c["author_name"],
            "body": c["body"],
            "created_at": fmt_dt(c["created_at"]),
        })
        for c in comments
    ])

    write_facts(customers, addresses, addresses_by_customer, staff_objects, products,
                promotions, orders, lines, tickets, comments)


def write_facts(customers, addresses, addresses_by_customer, staff_objects, products,
                promotions, orders, lines, tickets, comments):
    n_groups = len(GROUPS)
    n_users = len(STAFF)
    c1 = customers[0]
    o1 = orders[0]
    status_counts = Counter(o["status"] for o in orders)
    method_counts = Counter(o["shipping_method"] for o in orders)
    ticket_status = Counter(t["status"] for t in tickets)
    ticket_priority = Counter(t["priority"] for t in tickets)
    per_category = Counter(p["category"] for p in products)
    tag_counts = Counter(t for p in products for t in p["tags"])
    top_customer, top_customer_orders = max(
        Counter(o["customer"] for o in orders).items(), key=lambda kv: (kv[1], -kv[0])
    )
    comments_per_ticket = Counter(c["ticket"] for c in comments)
    grand_total = sum((o["total"] for o in orders), Decimal("0.00"))
    paid_total = sum((o["total"] for o in orders if o["status"] == "paid"), Decimal("0.00"))

    out = []
    w = out.append
    w("# Fixture facts")
    w("")
    w("Generated by `tools/make_fixtures.py` (random.Random(2012)); do not edit by hand.")
    w("All pks are explicit and contiguous, starting at 1.")
    w("")
    w("## Fixture files")
    w("")
    w("| fixture | file | objects | contents (pk ranges) | needs also loaded |")
    w("|---|---|---|---|---|")
    w(f"| `customers` | accounts/fixtures/customers.json | {len(customers) + len(addresses)} | "
      f"Customer 1..{len(customers)}, Address 1..{len(addresses)} | - |")
    w(f"| `staff` | accounts/fixtures/staff.json | {n_groups + n_users} | "
      f"auth.Group 1..{n_groups}, auth.User 1..{n_users} | - |")
    w(f"| `catalog` | catalog/fixtures/catalog.json | {len(CATEGORIES) + len(TAGS) + len(products)} | "
      f"Category 1..{len(CATEGORIES)}, Tag 1..{len(TAGS)}, Product 1..{len(products)} "
      f"(+{sum(len(p['tags']) for p in products)} product-tag M2M rows) | - |")
    w(f"| `promotions` | catalog/fixtures/promotions.json | {len(promotions)} | "
      f"Promotion 1..{len(promotions)} | catalog |")
    w(f"| `shipping` | orders/fixtures/shipping.json | {len(SHIPPING_METHODS)} | "
      f"ShippingMethod 1..{len(SHIPPING_METHODS)} (same rows as migration orders.0002) | - |")
    w(f"| `orders` | orders/fixtures/orders.json | {len(orders) + len(lines)} | "
      f"Order 1..{len(orders)}, OrderLine 1..{len(lines)} | customers, catalog (+ shipping methods from migration"
      " or the `shipping` fixture) |")
    w(f"| `tickets` | support/fixtures/tickets.json | {len(tickets) + len(comments)} | "
      f"Ticket 1..{len(tickets)}, Comment 1..{len(comments)} | customers, orders (→ catalog), staff |")
    w("")
    w("Side effects / rows not in fixtures:")
    w("")
    w(f"- Loading `customers` creates {len(customers)} `LoyaltyAccount` rows (post_save signal, also on raw"
      " fixture saves), all with points=0, tier=\"bronze\". Fixtures never contain LoyaltyAccount.")
    w("- `ShippingMethod` rows come from migration `orders.0002_shipping_methods`: "
      + ", ".join(f"{pk} {code} {price}" for pk, (code, _, price) in sorted(SHIPPING_METHODS.items())) + ".")
    w("  The `shipping` fixture (orders/fixtures/shipping.json) holds the same rows (same pks, codes, names"
      " and prices); TransactionTestCase classes that load `orders` must also load `shipping`, because"
      " TransactionTestCase flushes all tables (migration rows included) after each test.")
    w("- Categories use natural keys: products/children reference a category by `[\"<slug>\"]`"
      " (`Category.objects.get_by_natural_key(slug)`), categories themselves have explicit pks.")
    w("")
    w("## accounts")
    w("")
    w(f"- Customer 1: email `{c1['email']}`, name {c1['first_name']} {c1['last_name']}, city {c1['city']}, "
      f"joined {c1['joined'].isoformat()}, is_active {c1['is_active']}, credit_limit {c1['credit_limit']}.")
    c150 = customers[-1]
    w(f"- Customer {c150['pk']}: email `{c150['email']}`, city {c150['city']}.")
    w(f"- Active customers: {sum(c['is_active'] for c in customers)}; inactive: "
      f"{sum(not c['is_active'] for c in customers)}.")
    top_city, top_city_n = max(Counter(c["city"] for c in customers).items(), key=lambda kv: (kv[1], kv[0]))
    w(f"- Most common customer city: {top_city} ({top_city_n} customers); customers in London: "
      f"{sum(c['city'] == 'London' for c in customers)}.")
    w(f"- Every customer has exactly one default address (is_default=True: {sum(a['is_default'] for a in addresses)}).")
    multi = sum(1 for v in addresses_by_customer.values() if len(v) > 1)
    most_addr_cust, most_addr = max(addresses_by_customer.items(), key=lambda kv: (len(kv[1]), -kv[0]))
    w(f"- Customers with more than one address: {multi}; most addresses: customer {most_addr_cust} "
      f"({len(most_addr)}).")
    w(f"- Customer 1 addresses: {addresses_by_customer[1]}.")
    w(f"- Addresses by country: " + ", ".join(
        f"{k} {v}" for k, v in sorted(Counter(a["country"] for a in addresses).items())) + ".")
    w("")
    w("## staff (auth)")
    w("")
    w("- Groups: " + ", ".join(f"{pk} {name}" for pk, name in GROUPS.items()) + ".")
    w("- Every user's password is `secret` (MD5PasswordHasher). All users are is_staff=True.")
    w(f"- User 1 `admin` is the only superuser. User `gwilson` (pk {[s[0] for s in STAFF].index('gwilson') + 1})"
      " is inactive.")
    w("- Users: " + ", ".join(f"{pk} {s[0]}" for pk, s in enumerate(STAFF, start=1)) + ".")
    w(f"- Members of Support (group 2): {len(SUPPORT_USER_PKS)} users, pks {SUPPORT_USER_PKS}.")
    w("")
    w("## catalog")
    w("")
    w("- Top-level categories (no products of their own): "
      + ", ".join(f"{category_slug} (pk {i})" for i, (category_slug, _, parent) in enumerate(CATEGORIES, start=1)
                  if parent is None) + ".")
    w("- Products per leaf category:")
    w("")
    w("| pk | slug | parent | products |")
    w("|---|---|---|---|")
    for i, (slug, _, parent) in enumerate(CATEGORIES, start=1):
        if parent:
            w(f"| {i} | {slug} | {parent} | {per_category[slug]} |")
    w("")
    parent_of = {slug: parent for slug, _, parent in CATEGORIES}
    parent_counts = Counter(parent_of[p["category"]] for p in products)
    w("- Products per top-level category (through children): "
      + ", ".join(f"{k} {v}" for k, v in sorted(parent_counts.items())) + ".")
    p1 = products[0]
    w(f"- Product 1: sku `{p1['sku']}`, name \"{p1['name']}\", category {p1['category']}, price {p1['price']}, "
      f"tags {p1['tags']}, stock {p1['stock']}.")
    w(f"- Active products: {sum(p['is_active'] for p in products)}; inactive: "
      f"{sum(not p['is_active'] for p in products)}; out of stock (stock=0): {sum(p['stock'] == 0 for p in products)}.")
    cheapest = min(products, key=lambda p: (p["price"], p["pk"]))
    dearest = max(products, key=lambda p: (p["price"], -p["pk"]))
    w(f"- Cheapest product: {cheapest['pk']} `{cheapest['sku']}` {cheapest['price']}; most expensive: "
      f"{dearest['pk']} `{dearest['sku']}` {dearest['price']}.")
    top_tag, top_tag_n = max(tag_counts.items(), key=lambda kv: (kv[1], -kv[0]))
    w(f"- Most used tag: {top_tag} `{TAGS[top_tag - 1]}` on {top_tag_n} products; tag 1 `{TAGS[0]}` on "
      f"{tag_counts[1]} products.")
    w(f"- Promotions: {len(promotions)}, on {len(set(p['product'] for p in promotions))} distinct products; "
      f"promotion 1 code `{promotions[0]['code']}` on product {promotions[0]['product']}, "
      f"{promotions[0]['percent_off']}% off, {promotions[0]['starts']}..{promotions[0]['ends']}.")
    w("")
    w("## orders")
    w("")
    w("- Orders by status: " + ", ".join(f"{s} {status_counts[s]}" for s in ["pending", "paid", "shipped", "cancelled"]) + ".")
    w("- Orders by shipping method: " + ", ".join(
        f"{SHIPPING_METHODS[m][0]} {method_counts[m]}" for m in sorted(SHIPPING_METHODS)) + ".")
    w(f"- Orders without shipping address: {sum(o['shipping_address'] is None for o in orders)}.")
    w("- Order.total == sum(line.unit_price * line.quantity) + shipping_method.price for every order;"
      " unit_price equals the product's price.")
    w(f"- Order 1: customer {o1['customer']}, status {o1['status']}, method {SHIPPING_METHODS[o1['shipping_method']][0]}, "
      f"placed_at {fmt_dt(o1['placed_at'])}, total {o1['total']}, {len(o1['lines'])} lines "
      f"(OrderLine pks {[l['pk'] for l in o1['lines']]}).")
    w(f"- Sum of all order totals: {grand_total}; sum of paid order totals: {paid_total}.")
    w(f"- Customer with most orders: {top_customer} ({top_customer_orders} orders); customers with no orders: "
      f"{N_CUSTOMERS - len(set(o['customer'] for o in orders))}.")
    w(f"- Customer 1 has {sum(o['customer'] == 1 for o in orders)} orders.")
    w(f"- Earliest placed_at: {fmt_dt(min(o['placed_at'] for o in orders))}; latest: "
      f"{fmt_dt(max(o['placed_at'] for o in orders))}.")
    w("")
    w("## support")
    w("")
    w("- Tickets by status: " + ", ".join(f"{s} {ticket_status[s]}" for s in ["open", "waiting", "closed"]) + ".")
    w("- Tickets by priority: " + ", ".join(f"{p} {ticket_priority[p]}" for p in [1, 2, 3, 4]) + ".")
    w(f"- Tickets linked to an order: {sum(t['order'] is not None for t in tickets)} (the order always belongs "
      f"to the ticket's customer); unassigned: {sum(t['assignee'] is None for t in tickets)}.")
    t1 = tickets[0]
    w(f"- Ticket 1: customer {t1['customer']}, order {t1['order']}, assignee {t1['assignee']}, subject "
      f"\"{t1['subject']}\", status {t1['status']}, priority {t1['priority']}, "
      f"{comments_per_ticket[1]} comments.")
    w(f"- Tickets with at least one comment: {len(comments_per_ticket)}; max comments on one ticket: "
      f"{max(comments_per_ticket.values())} (ticket {max(comments_per_ticket.items(), key=lambda kv: (kv[1], -kv[0]))[0]}).")
    w("")
    (BASE_DIR / "FIXTURE_FACTS.md").write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
