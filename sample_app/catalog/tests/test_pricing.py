"""Basket quotes for customers: list prices, loyalty tiers, credit limits and earned points."""
import datetime
from decimal import Decimal

from django.test import TestCase

from accounts.models import Customer, LoyaltyAccount
from accounts.utils import award_points
from catalog.models import Category, Product, Promotion
from catalog.pricing import affordable_products, loyalty_points_for, quote_basket, unit_price

# catalog.json has no promotions, so with S2 fixtures prices are list prices.
QUOTE_DAY = datetime.date(2024, 11, 15)


class BasketQuoteTests(TestCase):
    fixtures = ["customers", "catalog"]

    def setUp(self):
        self.ava = Customer.objects.get(pk=1)
        self.light = Product.objects.get(sku="LGT-1001")
        self.headphones = Product.objects.get(sku="AUD-1004")

    def test_single_line(self):
        quote = quote_basket(self.ava, [(self.light, 2)], QUOTE_DAY)
        self.assertEqual(len(quote.lines), 1)
        self.assertEqual(quote.lines[0].line_total, Decimal("608.00"))
        self.assertIsNone(quote.lines[0].promotion)
        self.assertEqual(quote.total, Decimal("608.00"))
        self.assertTrue(quote.within_credit_limit)

    def test_two_lines_over_the_limit(self):
        quote = quote_basket(self.ava, [(self.light, 4), (self.headphones, 2)], QUOTE_DAY)
        self.assertEqual(quote.total, Decimal("1918.98"))
        self.assertFalse(quote.within_credit_limit)

    def test_query_count(self):
        # One query for the loyalty account, then one promotion lookup per line.
        with self.assertNumQueries(3):
            quote_basket(self.ava, [(self.light, 1), (self.headphones, 1)], QUOTE_DAY)

    def test_empty_basket(self):
        quote = quote_basket(self.ava, [], QUOTE_DAY)
        self.assertEqual((quote.lines, quote.total, quote.within_credit_limit), ([], Decimal("0.00"), True))

    def test_invalid_lines(self):
        inactive = Product.objects.filter(is_active=False).order_by("pk").first()
        self.assertEqual(inactive.pk, 41)
        with self.assertRaisesMessage(ValueError, "is not for sale"):
            quote_basket(self.ava, [(inactive, 1)], QUOTE_DAY)
        with self.assertRaisesMessage(ValueError, "quantity must be positive"):
            quote_basket(self.ava, [(self.light, 0)], QUOTE_DAY)


class QuoteCreditLimitTests(TestCase):
    fixtures = ["catalog", "customers"]

    def test_credit_limits(self):
        headphones = Product.objects.get(sku="AUD-1004")  # 351.49
        cases = {5: False, 20: False, 17: False, 2: True, 4: True}
        for pk, allowed in cases.items():
            customer = Customer.objects.get(pk=pk)
            with self.subTest(customer=pk, limit=customer.credit_limit):
                quote = quote_basket(customer, [(headphones, 2)], QUOTE_DAY)
                self.assertEqual(quote.total, Decimal("702.98"))
                self.assertIs(quote.within_credit_limit, allowed)

    def test_exactly_at_the_limit(self):
        customer = Customer.objects.get(pk=20)
        self.assertEqual(customer.credit_limit, Decimal("250.00"))
        customer.credit_limit = Decimal("702.98")
        quote = quote_basket(customer, [(Product.objects.get(sku="AUD-1004"), 2)], QUOTE_DAY)
        self.assertTrue(quote.within_credit_limit)

    def test_customers_without_credit(self):
        self.assertEqual(Customer.objects.filter(credit_limit=0).count(), 4)
        cheapest = Product.objects.active().order_by("price", "pk").first()
        for customer in Customer.objects.filter(credit_limit=0).order_by("pk")[:3]:
            with self.subTest(customer=customer.pk):
                self.assertFalse(quote_basket(customer, [(cheapest, 1)], QUOTE_DAY).within_credit_limit)


class LoyaltyTierPricingTests(TestCase):
    fixtures = ["customers", "catalog"]

    @classmethod
    def setUpTestData(cls):
        cls.bronze = Customer.objects.get(pk=1)
        cls.silver = Customer.objects.get(pk=2)
        cls.gold = Customer.objects.get(pk=4)
        award_points(cls.silver, 1500)
        award_points(cls.gold, 7000)
        cls.light = Product.objects.get(sku="LGT-1001")

    def test_tier_discounts(self):
        expected = {"bronze": Decimal("304.00"), "silver": Decimal("288.80"), "gold": Decimal("273.60")}
        for tier, price in expected.items():
            with self.subTest(tier=tier):
                customer = Customer.objects.get(pk=getattr(self, tier).pk)
                self.assertEqual(customer.loyalty.tier, tier)
                self.assertEqual(unit_price(self.light, QUOTE_DAY, customer)[0], price)

    def test_gold_basket(self):
        gold = Customer.objects.get(pk=self.gold.pk)
        docking_station = Product.objects.get(sku="LAP-1018")
        quote = quote_basket(gold, [(self.light, 1), (docking_station, 1)], QUOTE_DAY)
        self.assertEqual([line.unit_price for line in quote.lines], [Decimal("273.60"), Decimal("2127.59")])
        self.assertEqual(quote.total, Decimal("2401.19"))
        self.assertTrue(quote.within_credit_limit)

    def test_anonymous_pricing_is_list_price(self):
        self.assertEqual(unit_price(self.light, QUOTE_DAY)[0], Decimal("304.00"))

    def test_tier_counts(self):
        self.assertEqual(
            dict(LoyaltyAccount.objects.exclude(tier="bronze").values_list("customer_id", "tier")),
            {2: "silver", 4: "gold"},
        )


class AffordableProductsTests(TestCase):
    fixtures = ["customers", "catalog"]

    def test_by_credit_limit(self):
        cases = {5: 0, 20: 46, 17: 63, 4: 97}
        for pk, count in cases.items():
            with self.subTest(customer=pk):
                self.assertEqual(affordable_products(Customer.objects.get(pk=pk)).count(), count)

    def test_only_active_products(self):
        rich = Customer.objects.get(pk=4)
        self.assertFalse(affordable_products(rich).filter(is_active=False).exists())
        most_expensive = affordable_products(rich).order_by("-price", "pk").first()
        self.assertEqual(most_expensive.sku, "LAP-1018")

    def test_raising_the_limit_widens_the_choice(self):
        customer = Customer.objects.get(pk=20)
        before = affordable_products(customer).count()
        customer.credit_limit = Decimal("1000.00")
        self.assertEqual(affordable_products(customer).count() - before, 75 - 46)


class LoyaltyPointsForPurchaseTests(TestCase):
    fixtures = ["catalog", "customers"]

    def test_points_per_ten_spent(self):
        cases = [("0.00", 0), ("9.99", 0), ("10.00", 1), ("608.00", 60), ("24599.90", 2459)]
        for total, points in cases:
            with self.subTest(total=total):
                self.assertEqual(loyalty_points_for(Decimal(total)), points)
        with self.assertRaises(ValueError):
            loyalty_points_for(Decimal("-1"))

    def test_big_purchase_reaches_silver(self):
        customer = Customer.objects.get(pk=4)
        quote = quote_basket(customer, [(Product.objects.get(sku="LAP-1018"), 2)], QUOTE_DAY)
        self.assertTrue(quote.within_credit_limit)
        account = award_points(customer, loyalty_points_for(quote.total))
        self.assertEqual((account.points, account.tier), (472, "bronze"))
        account = award_points(customer, loyalty_points_for(quote.total * 2))
        self.assertEqual((account.points, account.tier), (1417, "silver"))

    def test_silver_discount_applies_on_next_quote(self):
        customer = Customer.objects.get(pk=1)
        award_points(customer, 1000)
        customer = Customer.objects.get(pk=1)
        quote = quote_basket(customer, [(Product.objects.get(sku="LGT-1001"), 1)], QUOTE_DAY)
        self.assertEqual(quote.total, Decimal("288.80"))


class QuoteWithoutFixturesTests(TestCase):
    """Promotion and tier discounts combined, on rows made for the purpose."""

    @classmethod
    def setUpTestData(cls):
        tools = Category.objects.create(name="Tools", slug="tools")
        cls.drill = Product.objects.create(
            sku="TLS-0001", name="Cordless Drill", category=tools, price=Decimal("19.99"), stock=5
        )
        cls.saw = Product.objects.create(
            sku="TLS-0002", name="Hand Saw", category=tools, price=Decimal("12.00"), stock=5
        )
        Promotion.objects.create(code="TOOLS10-1", product=cls.drill, percent_off=10,
                                 starts=datetime.date(2024, 5, 1), ends=datetime.date(2024, 5, 31))
        cls.customer = Customer.objects.create(
            email="diy.fan@example.com", first_name="Diy", last_name="Fan", city="Leeds",
            joined=datetime.date(2023, 1, 1), credit_limit=Decimal("50.00"),
        )
        award_points(cls.customer, 6000)

    def test_promotion_then_tier_discount(self):
        customer = Customer.objects.get(pk=self.customer.pk)
        price, promotion = unit_price(self.drill, datetime.date(2024, 5, 10), customer)
        # 19.99 -10% = 17.99, then -10% gold = 16.19 (rounded at each step).
        self.assertEqual(price, Decimal("16.19"))
        self.assertEqual(promotion.code, "TOOLS10-1")

    def test_outside_promotion_window(self):
        customer = Customer.objects.get(pk=self.customer.pk)
        price, promotion = unit_price(self.drill, datetime.date(2024, 6, 1), customer)
        self.assertEqual(price, Decimal("17.99"))
        self.assertIsNone(promotion)

    def test_basket_against_small_credit_limit(self):
        customer = Customer.objects.get(pk=self.customer.pk)
        quote = quote_basket(customer, [(self.drill, 2), (self.saw, 1)], datetime.date(2024, 5, 10))
        self.assertEqual(quote.total, Decimal("43.18"))
        self.assertTrue(quote.within_credit_limit)
        quote = quote_basket(customer, [(self.saw, 5)], datetime.date(2024, 5, 10))
        self.assertEqual(quote.total, Decimal("54.00"))
        self.assertFalse(quote.within_credit_limit)

    def test_customer_without_loyalty_account_pays_bronze(self):
        LoyaltyAccount.objects.filter(customer=self.customer).delete()
        customer = Customer.objects.get(pk=self.customer.pk)
        self.assertEqual(unit_price(self.saw, datetime.date(2024, 5, 10), customer)[0], Decimal("12.00"))
