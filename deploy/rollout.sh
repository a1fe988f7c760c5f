#!/bin/sh
# A new release over the running one, with no downtime (docs/deploy.md, "Upgrading"):
#
#   git pull && deploy/rollout.sh
#   COMPOSE_FILES="-f compose.yaml -f deploy/compose.tls.yaml" deploy/rollout.sh   # with TLS
#
# 1. build the new image (the running replicas keep the old one);
# 2. migrate: migrations only expand the schema, so the old release goes on running on it;
# 3. start as many new replicas as there are old ones, and wait until each is ready (/readyz);
# 4. stop the old ones with SIGTERM, one by one: each stops taking requests, finishes what it
#    acknowledged and hands the scheduler over. nginx re-resolves `bot` within 5 s and, meanwhile,
#    tries a refused connection on the next replica, so no request is lost.
# A step that fails stops the script with the old replicas still serving.
set -eu
cd "$(dirname "$0")/.."

# shellcheck disable=SC2086 # COMPOSE_FILES is a list of arguments on purpose
compose() { docker compose ${COMPOSE_FILES:-} "$@"; }
ready_within=${READY_WITHIN_SECONDS:-180}

old=$(compose ps --quiet bot)
count=$(printf '%s\n' "$old" | grep -c . || true)
[ "$count" -gt 0 ] || { echo "rollout: no bot replica is running; use: docker compose up -d --build" >&2; exit 1; }

echo "rollout: building the new image"
compose build bot migrate
echo "rollout: migrating (expand only; $count old replicas keep serving)"
compose run --rm migrate

echo "rollout: starting $count new replicas beside the old ones"
compose up --detach --no-deps --no-recreate --scale bot=$((count * 2)) bot
new=$(compose ps --quiet bot | grep -v -x -F "$old" || true)
[ -n "$new" ] || { echo "rollout: no new replica started" >&2; exit 1; }

deadline=$(($(date +%s) + ready_within))
for id in $new; do
  until [ "$(docker inspect --format '{{.State.Health.Status}}' "$id")" = healthy ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "rollout: replica $id not ready after ${ready_within}s; the old ones still serve." >&2
      echo "rollout: look at 'docker logs $id', then remove the new ones: docker rm -f $(echo "$new" | tr '\n' ' ')" >&2
      exit 1
    fi
    sleep 2
  done
  echo "rollout: $id is ready"
done

for id in $old; do
  echo "rollout: stopping old replica $id (SIGTERM, it drains and hands over)"
  docker stop --time 30 "$id" >/dev/null
  docker rm "$id" >/dev/null
done
echo "rollout: done; $count replicas of the new release serve"
