#!/bin/sh
# The one way Training Day is installed for production. The Dockerfile runs these two steps, and
# deploy/check_install.sh runs the same two in a clean virtualenv on every CI run, so what the image
# installs is proved without a Docker daemon.
#
#   deploy/install.sh deps VENV LOCK   create VENV and install the locked dependencies: exact
#                                      versions, every file's hash checked, no resolution
#   deploy/install.sh app VENV SRC     install the bot from the source tree SRC into VENV, adding
#                                      no dependency (they are all in the lock)
set -eu

step=${1:?deps or app}
venv=${2:?the virtualenv}
from=${3:?the lock file, or the source tree}

case "$step" in
  deps)
    python3 -m venv "$venv"
    "$venv/bin/pip" install --no-cache-dir --disable-pip-version-check --quiet \
      --require-hashes --no-deps --only-binary=:all: -r "$from"
    "$venv/bin/pip" check
    ;;
  app)
    "$venv/bin/pip" install --no-cache-dir --disable-pip-version-check --quiet --no-deps "$from"
    ;;
  *)
    echo "install.sh: unknown step $step (deps or app)" >&2
    exit 2
    ;;
esac
