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


# What each Web API method the bot calls needs (api.slack.com/methods), and each event it subscribes
# to. A method or an event missing here fails the test below: map it before using it.
METHOD_SCOPES: dict[str, set[str]] = {
    "auth.test": set(),
    "chat.postMessage": {"chat:write"},  # DMs too: to a user's ID
    "chat.postEphemeral": {"chat:write"},
    "chat.update": {"chat:write"},
    "conversations.open": {"im:write"},  # a file shared into a DM opens it first
    "files.info": {"files:read"},  # a roster attached to a modal
    "files.uploadV2": {"files:write"},
    "pins.add": {"pins:write"},
    "users.info": {"users:read"},
    "users.lookupByEmail": {"users:read.email"},
    "views.open": set(),
    "views.publish": set(),
    "views.update": set(),
}
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    # Class channels may be private.
    "member_joined_channel": {"channels:read", "groups:read"},
    "reaction_added": {"reactions:read"},
    "reaction_removed": {"reactions:read"},
    "user_change": {"users:read"},
    # A DM typed to the bot (the Messages tab).
    "message.im": {"im:history"},
}
# users.info gives a profile's email only with users:read.email (G2T registration falls back to it).
IMPLIED = {"users:read.email"}
_FAMILIES = "auth|chat|conversations|files|pins|reactions|users|views|team|usergroups|bookmarks|reminders|dnd"
_VERSION = re.compile(r"_v(\d+)$")  # files_upload_v2 is files.uploadV2
_CALL = re.compile(rf"\.({_FAMILIES})_([A-Za-z0-9_]+)\(")


def web_api_methods() -> set[str]:
    """Every Slack Web API method the production code calls (the stand-ins and the demo aside)."""
    found = set()
    for folder in ("bot", "handlers", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            if {"standin", "demo"} & set(path.parts):
                continue
            for family, name in _CALL.findall(path.read_text(encoding="utf-8")):
                found.add(family + "." + _VERSION.sub(r"V\1", name))
    return found | {"auth.test"}  # Bolt's token check at start


def test_the_manifest_scopes_are_exactly_those_the_code_and_events_need():
    methods = web_api_methods()
    assert methods - set(METHOD_SCOPES) == set(), "a Web API method without its scopes in METHOD_SCOPES"
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert events - set(EVENT_SCOPES) == set(), "an event without its scopes in EVENT_SCOPES"
    needed = set().union(*(METHOD_SCOPES[m] for m in methods), *(EVENT_SCOPES[e] for e in events))
    if MANIFEST["features"].get("slash_commands"):
        needed.add("commands")
    if "users.info" in methods:
        needed |= IMPLIED
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed
    # Reading what people type in a DM, only with an event that hands it to a listener.
    assert ("im:history" in needed) is ("message.im" in events)
