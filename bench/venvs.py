"""The contenders' virtual environments under .bench/, layered on the project's .venv.

Each one is a plain venv whose extra ``.pth`` file adds the project venv's
site-packages after its own: every contender runs the same Django, drivers and
nose_fastfixtures build, and only what it needs in addition is installed.
"""

import contextlib
import fcntl
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / ".bench"
WAGTAIL_VERSION = "8.0.1"
# Wagtail's [testing] extra pulls in linters; these are what its tests import.
# soupsieve 2.9.2: a newer one breaks a few admin tests.
WAGTAIL_TEST_DEPS = ["Jinja2>=3.0,<3.2", "freezegun>=0.3.8", "responses>=0.25,<1", "factory-boy>=3.2",
                     "tblib>=3.0,<4.0", "django-pattern-library>=0.7", "boto3>=1.28,<2",
                     "azure-identity>=1,<2", "azure-mgmt-cdn>=12,<15", "azure-mgmt-frontdoor>=1,<3",
                     "azure-mgmt-subscription>=2,<4", "soupsieve==2.9.2"]
EXTRAS = {
    "pytest": ["pytest-django", "pytest-xdist"],
    "django-nose": [],  # installed with --no-deps below: its `nose` dependency is broken on 3.10+
    "wagtail": WAGTAIL_TEST_DEPS,
}


@contextlib.contextmanager
def lock():
    """Held while venvs and Wagtail's tree are made, so two bench runs do not make them at once."""
    BENCH_DIR.mkdir(exist_ok=True)
    with open(BENCH_DIR / ".lock", "w") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        yield


def python_of(name):
    return BENCH_DIR / "venvs" / name / "bin" / "python"


def _pip(python, *args):
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
                   check=True)


def ensure(name, log=print):
    """The python of venv *name*, created on first use (a stamp file marks a finished install)."""
    python = python_of(name)
    stamp = python.parent.parent / ".installed"
    wanted = "\n".join(EXTRAS[name])
    if stamp.exists() and stamp.read_text() == wanted:
        return python
    log(f"creating {python.parent.parent} ...")
    subprocess.run([sys.executable, "-m", "venv", "--clear", "--without-pip", str(python.parent.parent)],
                   check=True)
    site_packages = Path(subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    base = sysconfig.get_paths()["purelib"]
    # An import line, so the base's own .pth files (the editable install) are processed too.
    (site_packages / "_nff_base.pth").write_text(f"import site; site.addsitedir({base!r})\n")
    packages = list(EXTRAS[name])
    if name == "wagtail":
        packages += _wagtail_requirements()
    if packages:
        _pip(python, *packages)
    if name == "django-nose":
        _pip(python, "--no-deps", "django-nose==1.4.7")
    stamp.write_text(wanted)
    return python


def wagtail_root(log=print):
    """The unpacked Wagtail sdist (tests included, no runtests.py), downloaded on first use."""
    root = BENCH_DIR / f"wagtail-{WAGTAIL_VERSION}"
    if (root / "wagtail" / "test" / "settings.py").exists():
        return root
    BENCH_DIR.mkdir(exist_ok=True)
    log(f"downloading the wagtail {WAGTAIL_VERSION} sdist ...")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                    "--no-deps", "--no-binary", ":all:", f"wagtail=={WAGTAIL_VERSION}", "-d", str(BENCH_DIR)],
                   check=True)
    with tarfile.open(BENCH_DIR / f"wagtail-{WAGTAIL_VERSION}.tar.gz") as archive:
        archive.extractall(BENCH_DIR, filter="data")
    return root


def _wagtail_requirements():
    """Wagtail's runtime dependencies, read from its pyproject (Django comes from the base venv)."""
    import tomllib

    project = tomllib.loads((wagtail_root() / "pyproject.toml").read_text())["project"]
    return [dep for dep in project["dependencies"] if not dep.lower().startswith("django>")]
