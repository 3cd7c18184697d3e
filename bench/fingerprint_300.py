"""Time the schema fingerprint (hashing migration files + compute + classify) for 300 migrations."""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nose_fastfixtures.database.reuse import hash_migration_dir  # noqa: E402  (imports no Django)
from nose_fastfixtures.planning import fingerprint  # noqa: E402

MIGRATION = '''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("app{app}", "{previous}")]
    operations = [migrations.AddField("model{n}", "field{n}", models.CharField(max_length=100, default=""))]
''' + "# padding to a realistic size\n" * 60


def main(apps=10, per_app=30, repeats=21):
    with tempfile.TemporaryDirectory() as root:
        directories = {}
        for app in range(apps):
            directory = Path(root) / f"app{app}" / "migrations"
            directory.mkdir(parents=True)
            (directory / "__init__.py").write_text("")
            for n in range(per_app):
                (directory / f"{n:04d}_step.py").write_text(MIGRATION.format(app=app, n=n, previous=n - 1))
            directories[f"app{app}"] = directory
        settings = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}, "TEST": {"NAME": None}}
        old = None
        timings = []
        for _ in range(repeats):
            start = time.perf_counter()
            migrations = {label: hash_migration_dir(directory) for label, directory in directories.items()}
            new = fingerprint.compute("5.2.19", settings, [], migrations, {"notes": "[...]"})
            fingerprint.classify(old or new, new)
            timings.append(time.perf_counter() - start)
            old = new
    print(f"{apps * per_app} migration files: median {statistics.median(timings) * 1000:.1f} ms, "
          f"max {max(timings) * 1000:.1f} ms over {repeats} runs")


if __name__ == "__main__":
    main()
