from django.db import models
from django.db.models import Q


class CategoryManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    objects = CategoryManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def is_leaf(self):
        return not self.children.exists()

    def all_products(self):
        """Products in this category and its direct sub-categories."""
        return Product.objects.filter(Q(category=self) | Q(category__parent=self))

    def breadcrumb(self):
        names = []
        node = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_stock(self):
        return self.filter(stock__gt=0)

    def available(self):
        """What the shop front lists: active and in stock."""
        return self.active().in_stock()

    def in_category(self, category):
        return self.filter(Q(category=category) | Q(category__parent=category))

    def priced_between(self, low=None, high=None):
        qs = self
        if low is not None:
            qs = qs.filter(price__gte=low)
        if high is not None:
            qs = qs.filter(price__lte=high)
        return qs

    def tagged(self, tag_name):
        return self.filter(tags__name=tag_name)


class Product(models.Model):
    sku = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    is_active = models.BooleanField(default=True)
    stock = models.IntegerField(default=0)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return f"{self.sku} {self.name}"

    def tag_names(self):
        return sorted(tag.name for tag in self.tags.all())

    def reserve(self, quantity):
        """Take `quantity` items out of stock; raises ValueError if there are not enough."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        updated = Product.objects.filter(pk=self.pk, stock__gte=quantity).update(
            stock=models.F("stock") - quantity
        )
        if not updated:
            raise ValueError(f"only {self.stock} of {self.sku} in stock, {quantity} requested")
        self.refresh_from_db(fields=["stock"])
        return self.stock


class PromotionQuerySet(models.QuerySet):
    def running_on(self, day):
        return self.filter(starts__lte=day, ends__gte=day)


class Promotion(models.Model):
    code = models.CharField(max_length=30, unique=True)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="promotions")
    percent_off = models.IntegerField()
    starts = models.DateField()
    ends = models.DateField()

    objects = PromotionQuerySet.as_manager()

    class Meta:
        ordering = ["starts", "code"]

    def __str__(self):
        return f"{self.code} (-{self.percent_off}% on {self.product.sku})"

    def is_running(self, day):
        return self.starts <= day <= self.ends

    @property
    def duration_days(self):
        return (self.ends - self.starts).days + 1

    def discounted_price(self):
        from .utils import apply_discount

        return apply_discount(self.product.price, self.percent_off)
