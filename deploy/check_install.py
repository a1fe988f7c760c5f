"""The production image's install, proved without a Docker daemon.

Builds the image's context the way Docker does (the repository filtered by .dockerignore), runs the
Dockerfile's two install steps (deploy/install.sh: the lock, then the bot) in a clean virtualenv,
and checks what came out: the command line starts, the migrations are packaged, the stand-ins and
the demo are not, and `training-day run` serves /livez and /readyz against a stand-in Slack.

    .venv/bin/python deploy/check_install.py      # from a dev install (it borrows the stand-in)
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def dockerignore_rules(root: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """(excludes, pattern) per line, in order; the last rule matching a path decides, as in Docker."""
    rules = []
    for raw in (root / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:] if negated else line
        rules.append((not negated, re.compile(_glob_to_regex(pattern.strip("/")))))
    return rules


def _glob_to_regex(glob: str) -> str:
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**", i):
            out += ".*"
            i += 2
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    return f"^{out}$"


def excluded(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker matches a pattern against the path and each of its parent directories."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for excludes, pattern in rules:
        if any(pattern.match(c) for c in candidates):
            verdict = excludes
    return verdict


def build_context(root: Path, into: Path) -> list[str]:
    """Copy the files Docker would send as the build context; returns their paths."""
    rules = dockerignore_rules(root)
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    sent = [p for p in tracked if (root / p).is_file() and not excluded(p, rules)]
    for path in sent:
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / path, target)
    return sent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def check(ok: bool, what: str) -> None:
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        raise SystemExit(1)


def main() -> int:
    from bot.standin.server import SlackStandIn

    with tempfile.TemporaryDirectory(prefix="td-image-") as tmp:
        context, venv, work = Path(tmp) / "src", Path(tmp) / "venv", Path(tmp) / "app"
        context.mkdir()
        work.mkdir()
        sent = build_context(ROOT, context)
        check(
            not any(p.startswith(("bot/standin/", "bot/demo/", "tests/", ".env")) for p in sent),
            f"the build context ({len(sent)} files) leaves out the stand-ins, the demo, the tests, .env",
        )
        started = time.monotonic()
        for step, source in (("deps", "requirements.lock"), ("app", ".")):
            subprocess.run(["sh", "deploy/install.sh", step, str(venv), source], cwd=context, check=True)
        print(f"      installed in {time.monotonic() - started:.0f} s")
        bin_ = venv / "bin"
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PLAYBOOK"))
        }
        env.pop("VIRTUAL_ENV", None)
        env["PATH"] = f"{bin_}:{env.get('PATH', '')}"
        env["DATABASE_URL"] = f"sqlite:///{work / 'image.db'}"

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=120)

        check(run("training-day", "run", "--help").returncode == 0, "training-day run --help")
        probe = run(str(bin_ / "python"), "-c", "import bot.standin")
        check(probe.returncode != 0, "bot.standin is not installed")
        probe = run(str(bin_ / "python"), "-c", "import bot.demo")
        check(probe.returncode != 0, "bot.demo is not installed")
        demo = run("training-day", "demo")
        check(
            demo.returncode == 2 and "not part of this install" in demo.stderr,
            "training-day demo says why not",
        )
        upgraded = run("training-day", "db", "upgrade")
        check(upgraded.returncode == 0, "training-day db upgrade (the migrations are packaged)")

        slack = SlackStandIn().start()
        port = _free_port()
        env.update(
            PORT=str(port),
            SLACK_BOT_TOKEN="xoxb-image-check",
            SLACK_SIGNING_SECRET="image-check-secret",
            SLACK_API_URL=slack.api_url,
            LOG_FORMAT="json",
            LOG_LEVEL="WARNING",
        )
        process = subprocess.Popen(
            ["training-day", "run"],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline, live = time.monotonic() + 60, 0
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    live = _get(f"http://127.0.0.1:{port}/livez")
                    break
                except OSError:
                    time.sleep(0.1)
            check(live == 200, "training-day run: /livez 200")
            check(_get(f"http://127.0.0.1:{port}/readyz") == 200, "training-day run: /readyz 200")
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
            check(code == 0, "training-day run stops cleanly on SIGTERM")
        finally:
            if process.poll() is None:
                process.kill()
            _, errors = process.communicate()
            if errors.strip():
                print(errors[-2000:], file=sys.stderr)
            slack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
