"""The deploy files say what a platform engineer needs them to: compose.yaml and manifest.yml are
valid against their published schemas (vendored in deploy/schemas/), secrets come only from the
environment, images are pinned, nginx re-resolves the replicas and keeps the probes and /metrics
inside, and the production image leaves the stand-ins, the demo and .env out."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

from bot.slack import ids

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "deploy" / "schemas"
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
NGINX = "\n".join((ROOT / "deploy" / name).read_text() for name in ("nginx.conf", "nginx-locations.conf"))


def _errors(schema_file: str, document: object) -> list[str]:
    schema = json.loads((SCHEMAS / schema_file).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_files_follow_the_compose_spec():
    assert _errors("compose-spec.json", COMPOSE) == []
    tls = yaml.safe_load((ROOT / "deploy" / "compose.tls.yaml").read_text())
    assert _errors("compose-spec.json", tls) == []


def test_the_manifest_follows_slacks_schema():
    assert _errors("slack-manifest.schema.1.0.0.json", MANIFEST) == []
    assert _errors("slack-manifest.schema.1.0.0.json", {"display_information": {}}) != []


def test_secrets_come_only_from_the_environment_and_are_required():
    text = (ROOT / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    assert required == {"POSTGRES_PASSWORD", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
    assert COMPOSE["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for service in COMPOSE["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "TOKEN", "SECRET", "DATABASE_URL")):
                assert "${" in str(value), f"{key} is written into compose.yaml"
    example = (ROOT / ".env.example").read_text()
    for name in required:
        assert re.search(rf"^{name}=$", example, flags=re.MULTILINE), f".env.example lacks {name}="


def test_the_bot_image_is_built_here_never_pulled():
    for name in ("bot", "migrate"):
        service = COMPOSE["services"][name]
        assert "build" in service and service["pull_policy"] in ("build", "never"), name


def test_every_image_is_pinned_to_an_exact_release():
    images = [s["image"] for s in COMPOSE["services"].values() if "build" not in s]
    images += re.findall(r"^ARG PYTHON_IMAGE=(\S+)", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert len(images) == 3
    for image in images:
        assert re.search(r":\d+\.\d+(\.\d+)?(-[a-z0-9.]+)*(@sha256:[0-9a-f]{64})?$", image), image


def test_probes_are_used_for_their_jobs():
    bot = COMPOSE["services"]["bot"]
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])
    assert bot["restart"] == "unless-stopped"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'HEALTHCHECK .*\n\s+CMD \["python".*/livez', dockerfile)


def test_nginx_re_resolves_the_replicas_and_retries_only_unsent_requests():
    assert re.search(r"^resolver 127\.0\.0\.11 valid=\d+s", NGINX, flags=re.MULTILINE)
    assert re.search(r"server bot:3000 resolve\b", NGINX) and "zone training_day" in NGINX
    for line in re.findall(r"proxy_next_upstream .*;", NGINX):
        assert line == "proxy_next_upstream error timeout;", line


def test_only_slacks_path_and_the_g2t_callback_are_public():
    locations = re.findall(r"location (\S+ )?(\S+) \{", NGINX)
    assert sorted(path for _, path in locations) == ["/", "/g2t/oauth/callback", "/slack/events"]
    catch_all = NGINX[NGINX.index("location / {") :]
    assert catch_all.split("}")[0].strip().endswith("return 404;")
    tls = (ROOT / "deploy" / "nginx-tls.conf").read_text()
    assert "ssl_certificate /etc/nginx/tls/fullchain.pem;" in tls
    assert "include /etc/nginx/training-day/locations.conf;" in tls


def test_the_image_leaves_out_the_stand_ins_the_demo_and_secrets():
    sys.path.insert(0, str(ROOT / "deploy"))
    try:
        from check_install import dockerignore_rules, excluded
    finally:
        sys.path.remove(str(ROOT / "deploy"))
    rules = dockerignore_rules(ROOT)
    for path in ("bot/standin/server.py", "bot/demo/script.py", ".env", "tests/conftest.py", ".git/HEAD"):
        assert excluded(path, rules), path
    for path in ("bot/core/outbox.py", "db/migrations/versions/0001_initial.py", "requirements.lock"):
        assert not excluded(path, rules), path


def test_the_manifest_asks_only_for_what_the_code_uses():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # DMs are chat.postMessage to the user's ID (bot/core/outbox.py); only a file shared into a
    # DM opens the DM first (files_upload_v2 wants a channel), and that is what im:write is for.
    code = [p for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py") if "standin" not in p.parts]
    opening = sorted(p.relative_to(ROOT).as_posix() for p in code if "conversations_open" in p.read_text())
    assert opening == ["bot/slack/files.py"]
    assert "im:write" in scopes
    home = MANIFEST["features"]["app_home"]
    # A DM typed to the bot is answered (message.im, read with im:history); a Messages tab nothing
    # reads would have to be read-only instead of swallowing what people type.
    answered = "message.im" in ids.EVENTS
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is (not answered)
    assert ("im:history" in scopes) is answered
