"""Products: fixture data, the custom queryset, stock, tags and the search form."""
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.test import TestCase, TransactionTestCase, skipUnlessDBFeature

from catalog.forms import ProductSearchForm
from catalog.models import Category, Product, Tag


class ProductFixtureTests(TestCase):
    fixtures = ["catalog"]

    def test_first_product(self):
        product = Product.objects.select_related("category").get(pk=1)
        self.assertEqual(str(product), "LGT-1001 Trail Pendant Light C53")
        self.assertEqual(product.category.slug, "lighting")
        self.assertEqual(product.price, Decimal("304.00"))
        self.assertEqual(product.stock, 209)
        self.assertEqual(sorted(product.tags.values_list("pk", flat=True)), [11, 13])

    def test_cheapest_and_most_expensive(self):
        by_price = Product.objects.order_by("price", "pk")
        self.assertEqual(by_price.first().sku, "NFC-1096")
        self.assertEqual(by_price.last().sku, "LAP-1018")
        self.assertEqual(by_price.last().price, Decimal("2363.99"))

    def test_counts(self):
        self.assertEqual(Product.objects.count(), 100)
        self.assertEqual(Product.objects.filter(is_active=False).count(), 3)
        self.assertEqual(Product.objects.filter(stock=0).count(), 1)

    def test_sku_prefix_matches_category(self):
        prefixes = {"phones": "PHN", "laptops": "LAP", "cookware": "CKW", "non-fiction": "NFC", "kids": "KID"}
        for slug, prefix in prefixes.items():
            with self.subTest(category=slug):
                skus = Product.objects.filter(category__slug=slug).values_list("sku", flat=True)
                self.assertTrue(skus)
                self.assertTrue(all(sku.startswith(prefix + "-") for sku in skus))


class ProductQuerySetTests(TestCase):
    fixtures = ["catalog"]

    def test_active_in_stock_and_available(self):
        self.assertEqual(Product.objects.active().count(), 97)
        self.assertEqual(Product.objects.in_stock().count(), 99)
        self.assertEqual(Product.objects.available().count(), 96)

    def test_out_of_stock_products(self):
        self.assertEqual(
            list(Product.objects.filter(stock=0).order_by("pk").values_list("sku", flat=True)),
            ["FIC-1079"],
        )

    def test_priced_between(self):
        self.assertEqual(Product.objects.priced_between(high=Decimal("20")).count(), 6)
        self.assertEqual(
            Product.objects.active().priced_between(Decimal("100"), Decimal("200")).count(), 10
        )
        self.assertEqual(Product.objects.priced_between().count(), 100)

    def test_tagged(self):
        self.assertEqual(Product.objects.tagged("bestseller").count(), 10)
        self.assertEqual(Product.objects.tagged("lightweight").count(), 16)

    def test_most_used_tag(self):
        tag = Tag.objects.annotate(n=Count("products")).order_by("-n", "pk").first()
        self.assertEqual((tag.pk, tag.name, tag.n), (15, "lightweight", 16))

    def test_in_category_chains(self):
        laptops = Category.objects.get_by_natural_key("laptops")
        self.assertEqual(Product.objects.in_category(laptops).active().count(), 8)
        self.assertEqual(
            Product.objects.in_category(laptops).active().priced_between(low=1000).count(), 8
        )


class ProductStockTests(TestCase):
    fixtures = ["catalog"]

    def test_reserve_reduces_stock(self):
        product = Product.objects.get(sku="LGT-1001")
        self.assertEqual(product.reserve(8), 201)
        self.assertEqual(Product.objects.get(pk=product.pk).stock, 201)

    def test_reserve_everything(self):
        product = Product.objects.get(sku="LGT-1001")
        self.assertEqual(product.reserve(209), 0)
        self.assertEqual(Product.objects.in_stock().count(), 98)

    def test_cannot_reserve_more_than_stock(self):
        product = Product.objects.get(sku="LGT-1001")
        with self.assertRaisesMessage(ValueError, "only 209 of LGT-1001 in stock, 210 requested"):
            product.reserve(210)
        self.assertEqual(Product.objects.get(pk=1).stock, 209)

    def test_out_of_stock_product(self):
        with self.assertRaises(ValueError):
            Product.objects.get(sku="FIC-1079").reserve(1)

    def test_quantity_must_be_positive(self):
        product = Product.objects.get(pk=2)
        for quantity in (0, -3):
            with self.subTest(quantity=quantity), self.assertRaises(ValueError):
                product.reserve(quantity)


class ProductTagM2MTests(TestCase):
    fixtures = ["catalog"]

    @classmethod
    def setUpTestData(cls):
        cls.black_friday = Tag.objects.create(name="black-friday")
        cls.black_friday.products.set(Product.objects.filter(category__slug="audio"))
        cls.product = Product.objects.get(pk=1)

    def test_through_table_grew(self):
        self.assertEqual(Product.tags.through.objects.count(), 258 + 4)
        self.assertEqual(Tag.objects.count(), 31)

    def test_tag_names(self):
        self.assertEqual(self.product.tag_names(), ["organic", "waterproof"])

    def test_tag_names_with_prefetch(self):
        products = Product.objects.filter(pk__in=[1, 18]).prefetch_related("tags").order_by("pk")
        with self.assertNumQueries(2):
            names = [product.tag_names() for product in products]
        self.assertEqual(names, [["organic", "waterproof"], ["fair-trade", "organic", "wireless"]])

    def test_add_and_remove_tag(self):
        self.product.tags.add(self.black_friday)
        self.assertIn("black-friday", self.product.tag_names())
        self.product.tags.remove(self.black_friday)
        self.assertEqual(self.black_friday.products.count(), 4)

    def test_deleting_a_tag_keeps_products(self):
        self.black_friday.delete()
        self.assertEqual(Product.objects.count(), 100)
        self.assertEqual(Product.tags.through.objects.count(), 258)


class ProductSearchFormTests(TestCase):
    fixtures = ["catalog"]

    def search(self, **data):
        form = ProductSearchForm(data=data)
        self.assertTrue(form.is_valid(), form.errors)
        return form.search()

    def test_empty_search_lists_active_products(self):
        self.assertEqual(self.search().count(), 97)

    def test_name_search_ignores_case(self):
        self.assertEqual(self.search(q="LAMP").count(), 6)
        self.assertEqual(self.search(q="lamp").count(), 6)

    def test_category_search_includes_children(self):
        self.assertEqual(self.search(category="phones", in_stock="on").count(), 6)
        self.assertEqual(self.search(category="electronics").count(), 25)

    def test_price_range(self):
        results = self.search(category="audio", min_price="300", max_price="700")
        self.assertEqual(results.count(), 2)
        self.assertTrue(all(Decimal("300") <= p.price <= Decimal("700") for p in results))

    def test_unknown_category(self):
        form = ProductSearchForm(data={"category": "garden"})
        self.assertTrue(form.is_valid())
        with self.assertRaises(Category.DoesNotExist):
            form.search()


class ProductStockTransactionTests(TransactionTestCase):
    """Stock changes that really commit (or really roll back)."""

    fixtures = ["catalog"]

    def test_failed_order_rolls_back_reservations(self):
        first, second = Product.objects.get(sku="LGT-1001"), Product.objects.get(sku="FIC-1079")
        with self.assertRaises(ValueError):
            with transaction.atomic():
                first.reserve(10)
                second.reserve(1)  # out of stock
        self.assertEqual(Product.objects.get(pk=first.pk).stock, 209)

    def test_successful_reservation_commits(self):
        with transaction.atomic():
            Product.objects.get(sku="LGT-1001").reserve(10)
        self.assertEqual(Product.objects.get(sku="LGT-1001").stock, 199)

    def test_duplicate_sku_then_recover(self):
        lighting = Category.objects.get_by_natural_key("lighting")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Product.objects.create(sku="LGT-1001", name="Copy", category=lighting, price=Decimal("1.00"))
        product = Product.objects.create(sku="LGT-9001", name="Brass Wall Light", category=lighting,
                                         price=Decimal("49.90"), stock=3)
        self.assertEqual(Product.objects.count(), 101)
        self.assertEqual(product.category.products.count(), 6)

    def test_bulk_price_update(self):
        fiction = list(Product.objects.filter(category__slug="fiction").order_by("pk"))
        before = sum(p.price for p in fiction)
        for product in fiction:
            product.price += Decimal("1.00")
        with transaction.atomic():
            Product.objects.bulk_update(fiction, ["price"], batch_size=10)
        after = sum(Product.objects.filter(category__slug="fiction").values_list("price", flat=True))
        self.assertEqual(after - before, Decimal("9.00"))

    @skipUnlessDBFeature("has_select_for_update")
    def test_select_for_update_then_restock(self):
        with transaction.atomic():
            product = Product.objects.select_for_update().get(sku="FIC-1079")
            Product.objects.filter(pk=product.pk).update(stock=F("stock") + 12)
        self.assertEqual(Product.objects.get(sku="FIC-1079").reserve(2), 10)
