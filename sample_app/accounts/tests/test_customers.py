"""Customers and their addresses: querysets, model helpers, the signup form."""
import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.test import SimpleTestCase, TestCase

from accounts.forms import AddressForm, CustomerSignupForm
from accounts.models import Address, Customer, LoyaltyAccount
from accounts.utils import format_money, mask_email, normalize_email, tier_for_points
from catalog.models import Product
from catalog.pricing import quote_basket


class CustomerQuerySetTests(TestCase):
    fixtures = ["customers"]

    def test_active_and_inactive_split(self):
        self.assertEqual(Customer.objects.active().count(), 35)
        self.assertEqual(Customer.objects.filter(is_active=False).count(), 5)

    def test_in_city_counts(self):
        self.assertEqual(Customer.objects.in_city("Munich").count(), 4)
        self.assertEqual(Customer.objects.in_city("London").count(), 1)

    def test_in_city_ignores_case(self):
        self.assertEqual(Customer.objects.in_city("munich").count(), 4)
        self.assertEqual(Customer.objects.in_city("ROTTERDAM").count(), 1)

    def test_most_common_city_is_munich(self):
        top = (
            Customer.objects.values("city")
            .annotate(n=Count("id"))
            .order_by("-n", "city")
            .first()
        )
        self.assertEqual(top, {"city": "Munich", "n": 4})

    def test_with_address_count(self):
        customers = Customer.objects.with_address_count()
        self.assertEqual(customers.filter(address_count__gt=1).count(), 18)
        busiest = customers.order_by("-address_count", "pk").first()
        self.assertEqual((busiest.pk, busiest.address_count), (3, 3))


class CustomerModelAndAddressTests(TestCase):
    fixtures = ["customers"]

    def test_first_customer(self):
        ava = Customer.objects.get(pk=1)
        self.assertEqual(ava.full_name, "Ava Scott")
        self.assertEqual(str(ava), "Ava Scott <ava.scott@example.net>")
        self.assertEqual(ava.joined, datetime.date(2020, 2, 4))
        self.assertEqual(ava.credit_limit, Decimal("1500.00"))

    def test_default_address(self):
        self.assertEqual(Customer.objects.get(pk=1).default_address.pk, 1)
        self.assertEqual(Customer.objects.get(pk=3).default_address.pk, 4)
        address = Customer.objects.get(pk=40).default_address
        self.assertEqual(str(address), "206 Victoria Street, TL2 7UG Manchester (GB)")

    def test_default_address_is_a_single_query(self):
        customer = Customer.objects.get(pk=2)
        with self.assertNumQueries(1):
            address = customer.default_address
        self.assertEqual(address.country, "IE")

    def test_every_customer_has_exactly_one_default_address(self):
        self.assertEqual(Address.objects.filter(is_default=True).count(), 40)
        counts = Customer.objects.annotate(
            defaults=Count("addresses", filter=Q(addresses__is_default=True))
        ).values_list("defaults", flat=True)
        self.assertEqual(set(counts), {1})

    def test_address_ordering_puts_default_first(self):
        pks = list(Customer.objects.get(pk=3).addresses.values_list("pk", flat=True))
        self.assertEqual(pks, [4, 5, 6])

    def test_addresses_by_country(self):
        expected = {"DE": 9, "NO": 8, "GB": 8, "FR": 5, "IT": 5, "AT": 2, "DK": 0}
        for country, count in expected.items():
            with self.subTest(country=country):
                self.assertEqual(Address.objects.filter(country=country).count(), count)

    def test_deleting_customer_removes_addresses_and_loyalty(self):
        Customer.objects.get(pk=3).delete()
        self.assertEqual(Address.objects.count(), 62)
        self.assertFalse(LoyaltyAccount.objects.filter(customer_id=3).exists())


class CustomerQuerySetOwnRowsTests(TestCase):
    """The custom queryset against a handful of hand-made customers."""

    @classmethod
    def setUpTestData(cls):
        def customer(email, city, active=True):
            return Customer.objects.create(
                email=email, first_name=email.split(".")[0].title(), last_name="Tester",
                city=city, joined=datetime.date(2024, 1, 15), is_active=active,
            )

        cls.oslo = customer("olaf.tester@example.com", "Oslo")
        cls.oslo_inactive = customer("ingrid.tester@example.com", "Oslo", active=False)
        cls.bergen = customer("sigrid.tester@example.com", "Bergen")
        Address.objects.create(
            customer=cls.oslo, line1="1 Karl Johans gate", city="Oslo",
            postcode="0154", country="NO", is_default=True,
        )
        Address.objects.create(
            customer=cls.oslo, line1="9 Storgata", city="Oslo", postcode="0155", country="NO",
        )

    def test_active_excludes_inactive(self):
        self.assertQuerySetEqual(
            Customer.objects.active().order_by("pk"), [self.oslo, self.bergen]
        )

    def test_in_city(self):
        self.assertEqual(Customer.objects.in_city("oslo").count(), 2)
        self.assertEqual(Customer.objects.active().in_city("Oslo").get(), self.oslo)

    def test_with_address_count_includes_customers_without_addresses(self):
        counts = dict(Customer.objects.with_address_count().values_list("email", "address_count"))
        self.assertEqual(counts, {
            "olaf.tester@example.com": 2,
            "ingrid.tester@example.com": 0,
            "sigrid.tester@example.com": 0,
        })

    def test_default_address_none_without_addresses(self):
        self.assertIsNone(self.bergen.default_address)
        self.assertEqual(self.oslo.default_address.line1, "1 Karl Johans gate")

    def test_new_customers_start_at_bronze(self):
        self.assertEqual(
            list(LoyaltyAccount.objects.filter(customer__city="Oslo").values_list("tier", flat=True)),
            ["bronze", "bronze"],
        )


class CustomerSignupFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.existing = Customer.objects.create(
            email="mia.jensen@example.dk", first_name="Mia", last_name="Jensen",
            city="Aarhus", joined=datetime.date(2022, 3, 1),
        )

    def form(self, **overrides):
        data = {
            "email": "nora.berg@Example.COM",
            "first_name": "Nora",
            "last_name": "Berg",
            "city": "Uppsala",
            "joined": "2024-06-01",
        }
        data.update(overrides)
        return CustomerSignupForm(data=data)

    def test_valid_signup_normalises_the_domain(self):
        form = self.form()
        self.assertTrue(form.is_valid(), form.errors)
        customer = form.save()
        self.assertEqual(customer.email, "nora.berg@example.com")
        self.assertEqual(customer.credit_limit, Decimal("0.00"))
        self.assertTrue(customer.is_active)

    def test_signup_creates_loyalty_account(self):
        customer = self.form().save()
        self.assertEqual(customer.loyalty.points, 0)
        self.assertEqual(customer.loyalty.tier, "bronze")

    def test_duplicate_email_is_rejected_whatever_the_case(self):
        for email in ["mia.jensen@example.dk", "mia.jensen@EXAMPLE.DK", "Mia.Jensen@example.dk"]:
            with self.subTest(email=email):
                form = self.form(email=email)
                self.assertFalse(form.is_valid())
                self.assertEqual(
                    form.errors["email"],
                    ["A customer with this e-mail address already exists."],
                )

    def test_missing_fields(self):
        form = self.form(first_name="", joined="")
        self.assertFalse(form.is_valid())
        self.assertEqual(sorted(form.errors), ["first_name", "joined"])


class NewCustomerFirstQuoteTests(TestCase):
    """A customer who has just signed up gets list prices but has no credit yet."""

    fixtures = ["catalog", "customers"]

    def setUp(self):
        form = CustomerSignupForm(data={
            "email": "first.timer@example.org", "first_name": "First", "last_name": "Timer",
            "city": "Munich", "joined": "2024-11-02",
        })
        self.assertTrue(form.is_valid(), form.errors)
        self.customer = form.save()

    def test_new_customer_is_the_41st(self):
        self.assertEqual(Customer.objects.count(), 41)
        self.assertEqual(Customer.objects.in_city("Munich").count(), 5)
        self.assertGreater(self.customer.pk, 40)

    def test_quote_uses_list_price(self):
        product = Product.objects.get(sku="LGT-1001")
        quote = quote_basket(self.customer, [(product, 2)], datetime.date(2024, 11, 2))
        self.assertEqual(quote.total, Decimal("608.00"))
        self.assertEqual(quote.lines[0].unit_price, Decimal("304.00"))

    def test_quote_exceeds_zero_credit_limit(self):
        cheapest = Product.objects.order_by("price", "pk").first()
        self.assertEqual(cheapest.sku, "NFC-1096")
        quote = quote_basket(self.customer, [(cheapest, 1)], datetime.date(2024, 11, 2))
        self.assertEqual(quote.total, Decimal("12.49"))
        self.assertFalse(quote.within_credit_limit)

    def test_an_existing_customer_can_afford_the_same_basket(self):
        ava = Customer.objects.get(email="ava.scott@example.net")
        product = Product.objects.get(sku="LGT-1001")
        quote = quote_basket(ava, [(product, 4)], datetime.date(2024, 11, 2))
        self.assertEqual(quote.total, Decimal("1216.00"))
        self.assertTrue(quote.within_credit_limit)


class AccountHelpersTests(SimpleTestCase):
    def test_tier_for_points(self):
        cases = [(0, "bronze"), (999, "bronze"), (1000, "silver"), (4999, "silver"),
                 (5000, "gold"), (120000, "gold")]
        for points, tier in cases:
            with self.subTest(points=points):
                self.assertEqual(tier_for_points(points), tier)

    def test_tier_for_negative_points_raises(self):
        with self.assertRaisesMessage(ValueError, "points cannot be negative"):
            tier_for_points(-1)

    def test_normalize_email(self):
        self.assertEqual(normalize_email("  Ava.Scott@Example.NET "), "Ava.Scott@example.net")
        self.assertEqual(normalize_email("x@y"), "x@y")
        for bad in ["", "no-at-sign", "@example.com", "ava@"]:
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                normalize_email(bad)

    def test_mask_email(self):
        self.assertEqual(mask_email("ava.scott@example.net"), "a********@example.net")
        self.assertEqual(mask_email("b@example.org"), "b@example.org")

    def test_format_money(self):
        self.assertEqual(format_money(Decimal("1500")), "EUR 1,500.00")
        self.assertEqual(format_money(Decimal("2459.995")), "EUR 2,460.00")
        self.assertEqual(format_money("-12.5", currency="GBP"), "-GBP 12.50")
        self.assertEqual(format_money(0), "EUR 0.00")


class AddressFormTests(SimpleTestCase):
    def form(self, **overrides):
        data = {"line1": "128 Lake Shore Drive", "city": "Rotterdam",
                "postcode": "4386 FD", "country": "NL"}
        data.update(overrides)
        return AddressForm(data=data)

    def test_valid_dutch_address(self):
        form = self.form()
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["country"], "NL")

    def test_country_and_postcode_are_upper_cased(self):
        form = self.form(country="gb", postcode=" bw1 6kf", city="Edinburgh")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["country"], "GB")
        self.assertEqual(form.cleaned_data["postcode"], "BW1 6KF")

    def test_postcodes_checked_per_country(self):
        cases = [
            ("DE", "10115", True), ("DE", "1011", False),
            ("US", "94105-1234", True), ("US", "ABCDE", False),
            ("NL", "1012AB", True), ("NL", "1012", False),
            ("IE", "D10 W319", True), ("DK", "3097", True),  # no pattern for DK
        ]
        for country, postcode, valid in cases:
            with self.subTest(country=country, postcode=postcode):
                self.assertEqual(self.form(country=country, postcode=postcode).is_valid(), valid)

    def test_bad_country_code(self):
        form = self.form(country="N1")
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["country"], ["Use a two-letter country code."])
        self.assertNotIn("postcode", form.errors)
