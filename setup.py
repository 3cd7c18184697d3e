"""Packaging for nose_fastfixtures."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "nose_fastfixtures/__init__.py").read_text()).group(1)

setup(
    name="nose_fastfixtures",
    version=VERSION,
    description="nose plugins that make Django test suites several times faster without changing outcomes",
    long_description=(HERE / "README.rst").read_text(),
    long_description_content_type="text/x-rst",
    license="BSD-3-Clause",
    packages=find_packages(include=["nose_fastfixtures", "nose_fastfixtures.*"]),
    package_data={"nose_fastfixtures.report": ["assets/*.css", "assets/*.js"]},
    python_requires=">=3.10",
    # pynose provides the `nose` package; the `nose` distribution itself is broken on
    # Python 3.10+ and would overwrite pynose's files, so it is never a dependency.
    # tblib: tracebacks that cross from worker processes to the parent (as Django's --parallel).
    install_requires=["pynose>=1.5", "Django>=5.2", "tblib>=3"],
    extras_require={
        "postgresql": ["psycopg[binary]>=3.1"],
        "mysql": ["mysqlclient>=2.2"],
    },
    entry_points={
        "nose.plugins.0.10": [
            "django = nose_fastfixtures.plugins.django_plugin:DjangoPlugin",
            "progressive = nose_fastfixtures.plugins.progressive:ProgressivePlugin",
            "class-fixtures = nose_fastfixtures.plugins.class_fixtures:ClassFixturesPlugin",
            "fixture-bundling = nose_fastfixtures.plugins.fixture_bundling:FixtureBundlingPlugin",
            "reuse-db = nose_fastfixtures.plugins.reuse_db:ReuseDBPlugin",
            "parallel = nose_fastfixtures.plugins.parallel:ParallelPlugin",
            "timeline = nose_fastfixtures.plugins.timeline:TimelinePlugin",
            "time-report = nose_fastfixtures.plugins.time_report:TimeReportPlugin",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Topic :: Software Development :: Testing",
    ],
)
