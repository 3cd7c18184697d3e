"""Settings for the sample_app project.

The database backend is chosen with the DB_BACKEND environment variable
("sqlite", the default, "postgresql" or "mysql").
"""
import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-sample-app-not-a-secret-7d0c2b1e9f"
DEBUG = True
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "accounts.apps.AccountsConfig",
    "catalog.apps.CatalogConfig",
    "orders.apps.OrdersConfig",
    "support.apps.SupportConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Databases -------------------------------------------------------------

DB_BACKEND = os.environ.get("DB_BACKEND", "sqlite")
_ALLOWED_BACKENDS = ("sqlite", "postgresql", "mysql")
if DB_BACKEND not in _ALLOWED_BACKENDS:
    raise ImproperlyConfigured(
        f"Unsupported DB_BACKEND {DB_BACKEND!r}; allowed values are: "
        + ", ".join(_ALLOWED_BACKENDS)
        + "."
    )

DB_NAME = os.environ.get("DB_NAME", "sample_app")

if DB_BACKEND == "postgresql":
    # As Wagtail's and many projects' settings: its connection_created receiver looks every new
    # connection's alias up in django.db.connections (a side connection under an alias of its
    # own crashed there).
    INSTALLED_APPS.append("django.contrib.postgres")


def _database(name):
    if DB_BACKEND == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / f"{name}.sqlite3",
        }
    if DB_BACKEND == "postgresql":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DB_PORT", "5432"),
            "USER": os.environ.get("DB_USER", "postgres"),
            "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        }
    # mysql
    return {
        "ENGINE": "django.db.backends.mysql",
        "NAME": name,
        "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DB_PORT", "3306"),
        "USER": os.environ.get("DB_USER", "root"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "OPTIONS": {"charset": "utf8mb4"},
        "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
    }


DATABASES = {
    "default": _database(DB_NAME),
    "archive": _database(f"{DB_NAME}_archive"),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Test runs detected from the command line, a common idiom (pytest-django users add the
# second half: pytest never uses TEST_RUNNER): the fixtures' md5 password hashes only
# verify with MD5PasswordHasher listed. The test runner then puts it first (fast hashing).
TESTING = (len(sys.argv) > 1 and sys.argv[1] == "test") or "pytest" in sys.modules
if TESTING:
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

# manage.py test (and nosetests --with-django) run through it: settings and canned rows.
TEST_RUNNER = "config.test_runner.ShopTestRunner"

# Mail goes out through an SMTP server named in the environment (none: no mail).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
