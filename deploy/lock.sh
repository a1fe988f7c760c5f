#!/bin/sh
# Re-resolve requirements.lock (what the image installs) and requirements-dev.lock (the same, plus
# the tools for tests and checks) from pyproject.toml, for Python 3.11 on any platform, with every
# file's hash. Run it after changing a dependency, and commit both files:
#
#   .venv/bin/sh deploy/lock.sh                     # keeps every version it can
#   .venv/bin/sh deploy/lock.sh --upgrade           # the newest releases the bounds allow
#   .venv/bin/sh deploy/lock.sh --upgrade-package httpx
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

uv pip compile pyproject.toml --quiet --universal --python-version 3.11 --generate-hashes \
  --custom-compile-command "deploy/lock.sh" "$@" -o requirements.lock
# The dev lock takes the production lock's versions as given, so tests run what production runs.
uv pip compile pyproject.toml --quiet --extra dev --universal --python-version 3.11 --generate-hashes \
  --custom-compile-command "deploy/lock.sh" -c requirements.lock "$@" -o requirements-dev.lock
