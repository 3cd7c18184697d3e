"""Promotions: schedule, discounted prices, the admin form, and the code/price helpers."""
import datetime
import unittest
from collections import Counter
from decimal import Decimal

from django.test import SimpleTestCase, TestCase

from catalog.forms import ProductSearchForm, PromotionForm
from catalog.models import Product, Promotion
from catalog.pricing import best_promotion
from catalog.utils import apply_discount, make_sku, parse_promo_code, parse_sku


class PromotionFixtureTests(TestCase):
    fixtures = ["catalog", "promotions"]

    def test_first_promotion(self):
        promotion = Promotion.objects.select_related("product").get(pk=1)
        self.assertEqual(promotion.code, "WELCOME20-859")
        self.assertEqual(promotion.product.pk, 55)
        self.assertEqual(promotion.percent_off, 20)
        self.assertEqual(promotion.starts, datetime.date(2024, 3, 27))
        self.assertEqual(promotion.ends, datetime.date(2024, 4, 10))
        self.assertEqual(str(promotion), "WELCOME20-859 (-20% on AUD-1055)")

    def test_one_promotion_per_product(self):
        self.assertEqual(Promotion.objects.count(), 20)
        self.assertEqual(Promotion.objects.values("product").distinct().count(), 20)

    def test_codes_encode_the_discount(self):
        for code, percent in Promotion.objects.values_list("code", "percent_off"):
            with self.subTest(code=code):
                self.assertEqual(parse_promo_code(code)[1], percent)

    def test_campaigns(self):
        campaigns = Counter(parse_promo_code(code)[0] for code in Promotion.objects.values_list("code", flat=True))
        self.assertEqual(campaigns["FLASH"], 2)
        self.assertEqual(campaigns["WELCOME"], 6)
        self.assertEqual(sum(campaigns.values()), 20)


class PromotionScheduleTests(TestCase):
    fixtures = ["promotions", "catalog"]

    def running(self, day):
        return sorted(Promotion.objects.running_on(day).values_list("pk", flat=True))

    def test_running_on_known_days(self):
        self.assertEqual(self.running(datetime.date(2024, 4, 1)), [1, 8, 13, 17])
        self.assertEqual(len(self.running(datetime.date(2024, 6, 15))), 2)
        self.assertEqual(self.running(datetime.date(2024, 11, 10)), [2, 9, 15])

    def test_nothing_runs_on_new_years_day(self):
        self.assertEqual(self.running(datetime.date(2024, 1, 1)), [])

    def test_is_running_includes_both_ends(self):
        promotion = Promotion.objects.get(code="WELCOME20-859")
        cases = {
            datetime.date(2024, 3, 26): False,
            datetime.date(2024, 3, 27): True,
            datetime.date(2024, 4, 10): True,
            datetime.date(2024, 4, 11): False,
        }
        for day, expected in cases.items():
            with self.subTest(day=day):
                self.assertIs(promotion.is_running(day), expected)

    def test_durations(self):
        durations = Counter(p.duration_days for p in Promotion.objects.all())
        self.assertEqual(durations, {15: 7, 8: 7, 31: 3, 61: 3})

    def test_schedule_span(self):
        self.assertEqual(Promotion.objects.order_by("starts", "pk").first().starts, datetime.date(2024, 1, 16))
        self.assertEqual(Promotion.objects.order_by("-ends", "pk").first().ends, datetime.date(2024, 11, 22))


class PromotionPricingTests(TestCase):
    fixtures = ["catalog", "promotions"]

    def test_discounted_prices(self):
        expected = {
            "WELCOME20-859": Decimal("707.19"),
            "VIP10-221": Decimal("234.00"),
            "FLASH40-989": Decimal("1418.39"),
            "AUTUMN15-103": Decimal("18.69"),
        }
        promotions = Promotion.objects.filter(code__in=expected).select_related("product")
        with self.assertNumQueries(1):
            prices = {p.code: p.discounted_price() for p in promotions}
        self.assertEqual(prices, expected)

    def test_best_promotion(self):
        product = Product.objects.get(pk=55)
        self.assertEqual(best_promotion(product, datetime.date(2024, 4, 5)).code, "WELCOME20-859")
        self.assertIsNone(best_promotion(product, datetime.date(2024, 6, 1)))

    def test_best_promotion_prefers_bigger_discount(self):
        product = Product.objects.get(pk=55)
        Promotion.objects.create(code="FLASH30-001", product=product, percent_off=30,
                                 starts=datetime.date(2024, 4, 5), ends=datetime.date(2024, 4, 6))
        self.assertEqual(best_promotion(product, datetime.date(2024, 4, 5)).percent_off, 30)
        self.assertEqual(best_promotion(product, datetime.date(2024, 4, 7)).percent_off, 20)

    def test_promotions_on_inactive_products(self):
        inactive = Promotion.objects.filter(product__is_active=False).order_by("pk")
        self.assertEqual(list(inactive.values_list("pk", flat=True)), [13])

    def test_deleting_product_deletes_its_promotion(self):
        Product.objects.get(pk=55).delete()
        self.assertFalse(Promotion.objects.filter(code="WELCOME20-859").exists())
        self.assertEqual(Promotion.objects.count(), 19)


class PromotionFormTests(TestCase):
    fixtures = ["catalog", "promotions"]

    @classmethod
    def setUpTestData(cls):
        cls.product = Product.objects.get(sku="LGT-1001")
        cls.spring = Promotion.objects.create(
            code="SPRING20-001", product=cls.product, percent_off=20,
            starts=datetime.date(2025, 3, 1), ends=datetime.date(2025, 3, 31),
        )

    def form(self, **overrides):
        data = {"code": "SUMMER10-002", "product": self.product.pk, "percent_off": 10,
                "starts": "2025-07-01", "ends": "2025-07-15"}
        data.update(overrides)
        return PromotionForm(data=data)

    def test_valid_promotion_is_saved(self):
        form = self.form()
        self.assertTrue(form.is_valid(), form.errors)
        promotion = form.save()
        self.assertEqual(promotion.duration_days, 15)
        self.assertEqual(promotion.discounted_price(), Decimal("273.60"))
        self.assertEqual(self.product.promotions.count(), 2)

    def test_end_before_start(self):
        form = self.form(ends="2025-06-30")
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["ends"], ["A promotion cannot end before it starts."])

    def test_percent_bounds(self):
        for percent, valid in [(0, False), (1, True), (90, True), (95, False)]:
            with self.subTest(percent=percent):
                self.assertEqual(self.form(percent_off=percent).is_valid(), valid)

    def test_duplicate_code(self):
        form = self.form(code="WELCOME20-859")
        self.assertFalse(form.is_valid())
        self.assertIn("code", form.errors)

    @unittest.expectedFailure
    def test_overlapping_promotions_are_rejected(self):
        # Known bug: nothing stops a second promotion on the same product
        # overlapping an existing one; best_promotion() then silently picks
        # the larger discount. PromotionForm.clean() should refuse this.
        form = self.form(code="FLASH25-002", percent_off=25, starts="2025-03-15", ends="2025-04-15")
        self.assertFalse(form.is_valid())


class PriceAndCodeHelpersTests(SimpleTestCase):
    def test_apply_discount_rounds_half_up(self):
        cases = [
            ("254.95", 15, "216.71"),
            ("100.00", 0, "100.00"),
            ("100.00", 100, "0.00"),
            ("0.05", 50, "0.03"),
            ("19.99", 10, "17.99"),
        ]
        for price, percent, expected in cases:
            with self.subTest(price=price, percent=percent):
                self.assertEqual(apply_discount(Decimal(price), percent), Decimal(expected))

    def test_apply_discount_rejects_bad_percentages(self):
        for percent in (-5, 101):
            with self.subTest(percent=percent), self.assertRaises(ValueError):
                apply_discount(Decimal("10.00"), percent)

    def test_sku_helpers(self):
        self.assertEqual(parse_sku("CKW-1001"), ("CKW", 1001))
        self.assertEqual(make_sku("lap", 7), "LAP-0007")
        for bad in ["CKW1001", "ck-1001", "CKW-10010", ""]:
            with self.subTest(sku=bad), self.assertRaises(ValueError):
                parse_sku(bad)

    def test_parse_promo_code(self):
        self.assertEqual(parse_promo_code("WINTER15-607"), ("WINTER", 15, 607))
        self.assertEqual(parse_promo_code("FLASH5-12"), ("FLASH", 5, 12))
        with self.assertRaises(ValueError):
            parse_promo_code("winter15-607")

    def test_search_form_validation(self):
        form = ProductSearchForm(data={"min_price": "200", "max_price": "100"})
        self.assertFalse(form.is_valid())
        self.assertEqual(form.non_field_errors(), ["The minimum price is above the maximum price."])
        self.assertFalse(ProductSearchForm(data={"min_price": "-1"}).is_valid())
        self.assertTrue(ProductSearchForm(data={"q": "lamp", "max_price": "99.99"}).is_valid())
