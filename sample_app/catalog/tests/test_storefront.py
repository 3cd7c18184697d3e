"""What the shop front shows: the JSON views, and quotes while promotions are running."""
import datetime
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from accounts.models import Customer
from accounts.utils import award_points
from catalog.models import Product, Promotion
from catalog.pricing import quote_basket, unit_price


class ShopViewsTests(TestCase):
    fixtures = ["customers", "catalog"]

    def test_product_detail(self):
        with self.assertNumQueries(2):
            response = self.client.get(reverse("catalog:product-detail", args=[1]))
        self.assertEqual(response.json(), {
            "id": 1, "sku": "LGT-1001", "name": "Trail Pendant Light C53", "category": "lighting",
            "price": "304.00", "is_active": True, "stock": 209, "tags": ["organic", "waterproof"],
        })

    def test_customer_detail(self):
        with self.assertNumQueries(3):
            response = self.client.get(reverse("accounts:customer-detail", args=[1]))
        self.assertEqual(response.json(), {
            "id": 1, "email": "ava.scott@example.net", "name": "Ava Scott", "city": "Rotterdam",
            "is_active": True, "credit_limit": "1500.00", "loyalty_tier": "bronze", "addresses": 1,
        })

    def test_customer_detail_follows_tier_changes(self):
        award_points(Customer.objects.get(pk=40), 5000)
        data = self.client.get(reverse("accounts:customer-detail", args=[40])).json()
        self.assertEqual(data["loyalty_tier"], "gold")
        self.assertEqual(data["city"], "Manchester")

    def test_missing_objects(self):
        for url in ["/catalog/products/101/", "/accounts/customers/0/", "/catalog/products/9999/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_cheapest_product_price_as_string(self):
        data = self.client.get(reverse("catalog:product-detail", args=[96])).json()
        self.assertEqual((data["sku"], data["price"], data["category"]), ("NFC-1096", "12.49", "non-fiction"))


class QuoteWithPromotionsTests(TestCase):
    fixtures = ["customers", "catalog", "promotions"]

    def setUp(self):
        self.ava = Customer.objects.get(pk=1)
        self.headphones = Product.objects.get(pk=55)
        self.yoga_mat = Product.objects.get(pk=91)

    def test_promotion_applies_while_running(self):
        price, promotion = unit_price(self.headphones, datetime.date(2024, 4, 1), self.ava)
        self.assertEqual(price, Decimal("707.19"))
        self.assertEqual(promotion.code, "WELCOME20-859")

    def test_list_price_after_promotion_ends(self):
        price, promotion = unit_price(self.headphones, datetime.date(2024, 4, 11), self.ava)
        self.assertEqual(price, Decimal("883.99"))
        self.assertIsNone(promotion)

    def test_mixed_basket(self):
        quote = quote_basket(self.ava, [(self.headphones, 1), (self.yoga_mat, 1)], datetime.date(2024, 6, 15))
        self.assertEqual(
            [(line.product.pk, line.unit_price, line.promotion and line.promotion.code) for line in quote.lines],
            [(55, Decimal("883.99"), None), (91, Decimal("234.00"), "VIP10-221")],
        )
        self.assertEqual(quote.total, Decimal("1117.99"))
        self.assertTrue(quote.within_credit_limit)

    def test_savings_over_list_price(self):
        day = datetime.date(2024, 6, 15)
        running = Promotion.objects.running_on(day).filter(product__is_active=True).select_related("product")
        savings = sum((p.product.price - p.discounted_price() for p in running), Decimal("0.00"))
        self.assertEqual(running.count(), 2)
        self.assertGreater(savings, Decimal("0.00"))
        self.assertEqual(savings, sum(
            (p.product.price - unit_price(p.product, day, self.ava)[0] for p in running), Decimal("0.00")
        ))


class GoldCustomerPromotionQuoteTests(TestCase):
    fixtures = ["promotions", "customers", "catalog"]

    @classmethod
    def setUpTestData(cls):
        cls.gold = Customer.objects.get(pk=4)
        award_points(cls.gold, 8000)

    def setUp(self):
        self.gold = Customer.objects.select_related("loyalty").get(pk=self.gold.pk)

    def test_gold_customer_gets_both_discounts(self):
        price, _ = unit_price(Product.objects.get(pk=55), datetime.date(2024, 4, 1), self.gold)
        self.assertEqual(price, Decimal("636.47"))

    def test_gold_discount_without_promotion(self):
        price, promotion = unit_price(Product.objects.get(pk=55), datetime.date(2024, 8, 1), self.gold)
        self.assertEqual(price, Decimal("795.59"))
        self.assertIsNone(promotion)

    def test_quote_for_several_promoted_products(self):
        day = datetime.date(2024, 4, 1)
        items = [
            (promotion.product, 1)
            for promotion in Promotion.objects.running_on(day).select_related("product").order_by("pk")
            if promotion.product.is_active
        ]
        quote = quote_basket(self.gold, items, day)
        self.assertEqual(len(quote.lines), 3)
        self.assertTrue(all(line.promotion is not None for line in quote.lines))
        self.assertEqual(quote.total, sum((line.line_total for line in quote.lines), Decimal("0.00")))
        self.assertLess(quote.total, sum((product.price for product, _ in items), Decimal("0.00")))


class PromotionEligibilityTests(TestCase):
    fixtures = ["customers", "promotions", "catalog"]

    def test_promoted_inactive_product_cannot_be_quoted(self):
        promotion = Promotion.objects.get(pk=13)
        self.assertFalse(promotion.product.is_active)
        self.assertTrue(promotion.is_running(datetime.date(2024, 3, 28)))
        with self.assertRaisesMessage(ValueError, "is not for sale"):
            quote_basket(Customer.objects.get(pk=1), [(promotion.product, 1)], datetime.date(2024, 3, 28))

    def test_promotions_on_products_out_of_stock(self):
        self.assertFalse(Promotion.objects.filter(product__stock=0).exists())
        self.assertEqual(Promotion.objects.filter(product__is_active=True).count(), 19)

    def test_inactive_customer_can_still_get_a_quote(self):
        # Quotes are informational; checkout (orders app) refuses inactive customers.
        inactive = Customer.objects.get(pk=11)
        self.assertFalse(inactive.is_active)
        quote = quote_basket(inactive, [(Product.objects.get(pk=91), 1)], datetime.date(2024, 6, 16))
        self.assertEqual(quote.total, Decimal("234.00"))
