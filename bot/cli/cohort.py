"""`training-day cohort import FILE` and `training-day cohort list`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cohort = sub.add_parser("cohort", help="cohorts").add_subparsers(dest="cohort_command", required=True)
    imp = cohort.add_parser("import", help="create or update a cohort from a YAML file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=import_file)
    cohort.add_parser("list", help="list cohorts").set_defaults(handler=list_cohorts)


def import_file(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.cohorts import calendar_notice
    from bot.cohorts import clocks as class_clocks
    from bot.cohorts import service as cohorts
    from bot.cohorts.spec import load_cohort_file
    from bot.g2t import links as g2t_links
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(settings.database_url)
    spec = load_cohort_file(args.file, ctx.playbook)
    with ctx.db.session() as session:
        result = cohorts.import_cohort(session, spec, actor="cli", now=ctx.clock.now())
        cohort_id, name, changes = result.cohort.id, result.cohort.name, result.changes
    if not changes:
        print(f"{name} (cohort {cohort_id}): unchanged")
        return 0
    print(f"{name} (cohort {cohort_id}): " + "; ".join(changes))
    if settings.slack_bot_token:
        class_clocks.learn_for_cohort(ctx, cohort_id)
    notice = calendar_notice.tell_team_lead(ctx, cohort_id) if settings.slack_bot_token else None
    print(notice.line if notice else calendar_notice.notice_of(ctx, cohort_id).line)
    if settings.slack_bot_token:
        g2t_links.deliver_links(ctx, cohort_id)
    return 0


def list_cohorts(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.cohorts import service as cohorts
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(settings.database_url)
    with ctx.db.session() as session:
        rows = cohorts.all_cohorts(session)
        if not rows:
            print("no cohorts yet: import one with `training-day cohort import FILE.yml`")
        for c in rows:
            agents = len(cohorts.active_enrollments(session, c.id))
            print(
                f"{c.id:>4}  {c.name}  channel {c.channel_id}  starts {c.start_date}  {c.days} days  "
                f"{c.timezone}  {agents} agents  TL {c.tl.name}  PM {c.pm.name}"
            )
    return 0
