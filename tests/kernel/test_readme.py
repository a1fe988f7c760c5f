"""The README a new team follows: its two commands first, a table of contents that leads somewhere,
every setting in one unbroken table, a page per role, a glossary, and links that resolve."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
COMMANDS = [
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/training-day demo",
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/python -m pytest",
]
ROLE_PAGES = ("tl.md", "pm.md", "esp-manager.md", "agent.md", "admin.md")
GLOSSARY = ("AHIP", "ESP", "CAP", "TBT", "RTS", "MIA", "NPN", "N-Number", "G2T", "PM", "TL")
# Settings .env.example leaves out, and why.
NOT_IN_ENV_EXAMPLE = {
    "DATABASE_URL": "compose.yaml builds it from POSTGRES_PASSWORD",
    "PORT": "compose.yaml sets it; nginx expects 3000",
    "SCHEDULER_LOCK_TTL_SECONDS": "SQLite only; compose runs PostgreSQL",
    "SLACK_API_URL": "the stand-in's override",
    "SHEETS_API_URL": "the stand-in's override",
    "G2T_API_URL": "the stand-in's override",
    "G2T_AUTH_URL": "the stand-in's override",
    "GOOGLE_SERVICE_ACCOUNT_FILE": "the container has no key file: GOOGLE_SERVICE_ACCOUNT_JSON",
}


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"no section {title!r}"
    return match.group(1)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    # Headings only: a `#` at a line's start inside a code block is a comment.
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return {anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


def test_the_two_commands_come_first_then_what_the_bot_is():
    lines = README.splitlines()
    assert lines[0] == "# Training Day"
    assert lines[1] == ""
    assert lines[2:6] == ["```bash", *COMMANDS, "```"]
    first_paragraph = "\n".join(lines[6:]).strip().split("\n\n")[0]
    assert first_paragraph.startswith("Training Day is a Slack bot")


def test_the_table_of_contents_leads_to_every_section():
    contents = _section(README, "Contents")
    linked = re.findall(r"\]\(#([^)]+)\)", contents)
    headings = re.findall(r"^## (.+)$", README, flags=re.MULTILINE)
    assert set(linked) == {anchor(h) for h in headings} - {"contents"}


def test_every_setting_is_in_one_unbroken_configuration_table():
    section = _section(README, "Configuration")
    lines = section.strip().splitlines()
    rows = [n for n, line in enumerate(lines) if line.startswith("|")]
    assert rows, "no table"
    # A blank or plain line inside the table ends it: the rows after it render as raw pipes.
    assert rows == list(range(rows[0], rows[-1] + 1)), "the configuration table is broken by a line"
    table = "\n".join(lines[rows[0] : rows[-1] + 1])
    for line in table.splitlines():
        assert line.count("|") == 4, f"a row with other than three cells: {line}"
    documented = set(re.findall(r"^\| ((?:`[A-Z0-9_]+`(?:, )?)+) \|", table, flags=re.MULTILINE))
    names = {name for cell in documented for name in re.findall(r"`([A-Z0-9_]+)`", cell)}
    settings = {field.upper() for field in Settings.model_fields}
    assert settings - names == set(), "settings the README does not document"
    assert names - settings == set(), "the README documents settings that do not exist"


def test_env_example_lists_every_setting_a_deploy_may_set():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    settings = {field.upper() for field in Settings.model_fields}
    assert settings - listed - set(NOT_IN_ENV_EXAMPLE) == set()
    assert set(NOT_IN_ENV_EXAMPLE) <= settings


def test_a_page_per_role_linked_from_the_readme():
    roles = _section(README, "Who does what")
    for page in ROLE_PAGES:
        assert (ROOT / "docs" / page).exists(), page
        assert f"(docs/{page})" in roles, page


def test_the_glossary_names_every_term():
    glossary = _section(README, "Glossary")
    terms = set(re.findall(r"^\| ([^|]+?) \|", glossary, flags=re.MULTILINE)) - {"term", "---"}
    assert set(GLOSSARY) - terms == set()


def test_every_link_in_the_readme_and_docs_resolves():
    broken = []
    for page in [ROOT / "README.md", *DOCS]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, fragment = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif (
                fragment
                and file.suffix == ".md"
                and fragment not in _anchors(file.read_text(encoding="utf-8"))
            ):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []


def test_backup_upgrade_and_rotation_are_in_the_runbook():
    runbook = _anchors((ROOT / "docs" / "runbook.md").read_text(encoding="utf-8"))
    for heading in (
        "backup",
        "restore",
        "upgrade-to-a-new-release",
        "rotate-the-slack-bot-token",
        "rotate-the-slack-signing-secret",
        "rotate-the-goto-token-key-fernet",
        "a-message-that-did-not-go",
    ):
        assert heading in runbook
        assert f"docs/runbook.md#{heading}" in README or heading in ("backup", "restore")
