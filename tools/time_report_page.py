"""The README's picture of the time report page: the sample suite run with the report, shot in chromium.

    .venv/bin/python tools/time_report_page.py docs/time-report-sample.png [nosetests options]

Runs ``nosetests --time-report-html`` over a scratch copy of ``sample_app`` on SQLite
(the options given, else ``--with-fixture-bundling --with-class-fixtures``), then
loads the page in headless chromium, checks it made no request and logged no
error, saves the top of the page (the timeline and the phase table) as PNG and
prints the text report.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import browser  # noqa: E402

DEFAULT_OPTIONS = ["--with-fixture-bundling", "--with-class-fixtures"]


def main(png, options):
    with tempfile.TemporaryDirectory(prefix="nff-report-page-") as scratch:
        project = Path(scratch) / "sample_app"
        shutil.copytree(ROOT / "sample_app", project,
                        ignore=shutil.ignore_patterns("__pycache__", ".nose_fastfixtures", "*.sqlite3"))
        page = Path(scratch) / "report.html"
        nosetests = Path(sys.executable).parent / "nosetests"
        done = subprocess.run([str(nosetests), *options, f"--time-report-html={page}"], cwd=project,
                              env={**os.environ, "DB_BACKEND": "sqlite"}, capture_output=True, text=True)
        if done.returncode != 0 or not page.exists():
            sys.exit(f"nosetests failed ({done.returncode}):\n{done.stderr[-3000:]}")
        visit = browser.open_page(page, expression="document.querySelectorAll('.lane').length",
                                  screenshot=True, width=1400, height=760, full_page=False)
        if visit.errors or visit.requests != [page.resolve().as_uri()]:
            sys.exit(f"the page misbehaved: errors {visit.errors}, requests {visit.requests}")
        Path(png).parent.mkdir(parents=True, exist_ok=True)
        Path(png).write_bytes(visit.screenshot)
        print(f"{png}: {visit.value} lane(s)")
        report = done.stdout + done.stderr
        print(report[report.find("time report:"):report.find("time report page:")])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or DEFAULT_OPTIONS)
