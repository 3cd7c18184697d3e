"""The two-level category tree and its natural keys."""
import json
from decimal import Decimal

from django.core import serializers
from django.db.models import ProtectedError
from django.test import TestCase

from catalog.models import Category, Product

LEAF_COUNTS = {
    "phones": 6, "laptops": 8, "audio": 4, "cameras": 7,
    "cookware": 9, "furniture": 5, "lighting": 5,
    "cycling": 8, "camping": 11, "fitness": 8,
    "fiction": 9, "non-fiction": 5,
    "mens": 8, "womens": 5, "kids": 2,
}
TOP_LEVEL_COUNTS = {
    "books": 14, "clothing": 15, "electronics": 25, "home-kitchen": 19, "sports-outdoors": 27,
}


class CategoryTreeTests(TestCase):
    fixtures = ["catalog"]

    def test_top_level_categories(self):
        top = Category.objects.filter(parent=None).order_by("pk")
        self.assertEqual(
            list(top.values_list("slug", flat=True)),
            ["electronics", "home-kitchen", "sports-outdoors", "books", "clothing"],
        )
        self.assertFalse(Product.objects.filter(category__parent=None).exists())

    def test_children(self):
        electronics = Category.objects.get_by_natural_key("electronics")
        self.assertEqual(
            sorted(electronics.children.values_list("pk", flat=True)), [6, 7, 8, 9]
        )
        self.assertFalse(electronics.is_leaf)
        self.assertTrue(Category.objects.get(pk=6).is_leaf)

    def test_breadcrumb(self):
        self.assertEqual(Category.objects.get(slug="phones").breadcrumb(), "Electronics / Phones")
        self.assertEqual(Category.objects.get(slug="cookware").breadcrumb(), "Home & Kitchen / Cookware")
        self.assertEqual(Category.objects.get(slug="books").breadcrumb(), "Books")

    def test_products_per_leaf_category(self):
        for slug, count in LEAF_COUNTS.items():
            with self.subTest(category=slug):
                self.assertEqual(Category.objects.get(slug=slug).products.count(), count)

    def test_products_per_top_level_category(self):
        for slug, count in TOP_LEVEL_COUNTS.items():
            with self.subTest(category=slug):
                category = Category.objects.get(slug=slug)
                self.assertEqual(category.all_products().count(), count)
                self.assertEqual(Product.objects.in_category(category).count(), count)
        self.assertEqual(sum(TOP_LEVEL_COUNTS.values()), 100)


class CategoryNaturalKeyTests(TestCase):
    fixtures = ["catalog"]

    def test_get_by_natural_key(self):
        self.assertEqual(Category.objects.get_by_natural_key("womens").pk, 19)
        self.assertEqual(Category.objects.get(pk=14).natural_key(), ("camping",))
        with self.assertRaises(Category.DoesNotExist):
            Category.objects.get_by_natural_key("garden")

    def test_product_serialises_category_by_slug(self):
        data = json.loads(serializers.serialize(
            "json", Product.objects.filter(pk=1), use_natural_foreign_keys=True
        ))
        self.assertEqual(data[0]["fields"]["category"], ["lighting"])
        self.assertEqual(data[0]["fields"]["sku"], "LGT-1001")
        self.assertEqual(sorted(data[0]["fields"]["tags"]), [11, 13])

    def test_round_trip_through_natural_keys(self):
        payload = serializers.serialize(
            "json", Category.objects.filter(slug="kids"), use_natural_foreign_keys=True
        )
        self.assertEqual(json.loads(payload)[0]["fields"]["parent"], ["clothing"])
        obj = next(serializers.deserialize("json", payload))
        self.assertEqual(obj.object.parent_id, 5)
        self.assertEqual(obj.object.pk, 20)

    def test_categories_with_products_are_protected(self):
        with self.assertRaises(ProtectedError):
            Category.objects.get_by_natural_key("cookware").delete()
        self.assertEqual(Category.objects.count(), 20)


class CategoryWithoutFixturesTests(TestCase):
    """A tiny tree built by hand, independent of catalog.json."""

    @classmethod
    def setUpTestData(cls):
        cls.garden = Category.objects.create(name="Garden", slug="garden")
        cls.tools = Category.objects.create(name="Tools", slug="garden-tools", parent=cls.garden)
        cls.plants = Category.objects.create(name="Plants", slug="plants", parent=cls.garden)
        cls.spade = Product.objects.create(
            sku="GRD-0001", name="Spade", category=cls.tools, price=Decimal("24.50"), stock=4
        )
        cls.rake = Product.objects.create(
            sku="GRD-0002", name="Rake", category=cls.tools, price=Decimal("19.00"), is_active=False
        )
        cls.fern = Product.objects.create(
            sku="PLT-0001", name="Fern", category=cls.plants, price=Decimal("7.25"), stock=12
        )

    def test_all_products_of_parent(self):
        self.assertQuerySetEqual(
            self.garden.all_products().order_by("sku"), [self.spade, self.rake, self.fern]
        )

    def test_leaf_products_and_availability(self):
        self.assertEqual(list(self.tools.products.available()), [self.spade])
        self.assertEqual(self.plants.products.get(), self.fern)

    def test_is_leaf_and_breadcrumb(self):
        self.assertFalse(self.garden.is_leaf)
        self.assertTrue(self.plants.is_leaf)
        self.assertEqual(self.tools.breadcrumb(), "Garden / Tools")

    def test_cascade_from_empty_parent(self):
        empty = Category.objects.create(name="Seasonal", slug="seasonal")
        Category.objects.create(name="Christmas", slug="christmas", parent=empty)
        empty.delete()
        self.assertFalse(Category.objects.filter(slug="christmas").exists())
        self.assertEqual(Category.objects.count(), 3)

    def test_sorted_by_name(self):
        self.assertEqual(
            [category.slug for category in Category.objects.all()], ["garden", "plants", "garden-tools"]
        )
