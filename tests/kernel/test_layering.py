"""The shape the brief fixes, checked on the source: data flows handlers/jobs -> services -> db.

The checks read the code with `ast` rather than regular expressions: an import inside a function
counts, a comment or a string that mentions `select(` does not, and WSGI's `environ` is not
`os.environ`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_CODE = sorted(
    [p for d in ("bot", "handlers", "scheduler", "db") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]
)
NOT_DATA_LAYER = ("bot/slack/", "bot/cli/", "bot/demo/", "bot/standin/", "bot/config/")


def _in_data_layer(rel: str) -> bool:
    """db/ and the features' and the kernel's services; not Block Kit builders, Slack plumbing,
    the command line, the demo or the stand-ins."""
    if rel.startswith("db/"):
        return True
    name = rel.rpartition("/")[2]
    is_blocks = name == "blocks.py" or name.endswith("_blocks.py")
    return rel.startswith("bot/") and not rel.startswith(NOT_DATA_LAYER) and not is_blocks


# What a module outside the data layer may take from SQLAlchemy: the Session type (jobs and the CLI
# open a unit of work and hand it to services) and the exception types. Query constructs (select,
# text, func, update, ...) and engines are the data layer's.
SQLALCHEMY_ALLOWED = {("sqlalchemy.orm", "Session")}
SQLALCHEMY_ALLOWED_MODULES = ("sqlalchemy.exc",)
# Session methods that run SQL or change what the next flush writes.
SESSION_METHODS = {
    "add",
    "add_all",
    "delete",
    "execute",
    "flush",
    "get",
    "merge",
    "query",
    "refresh",
    "scalar",
    "scalars",
}
# Handlers modules every listener may import; a surface's __init__ may import its own modules.
HANDLERS_SHARED = {"handlers.listener", "handlers.replies"}
SURFACES = {"handlers"}
SLACK_CALLS = {"send_once", "respond", "views_open"}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


MODULES = {_module_name(p): p for p in APP_CODE}


def _imports(path: Path) -> Iterator[tuple[str, str | None, int]]:
    """(module, name or None, line) for every import in the file, those inside functions included.
    `from a import b` yields ("a", "b"); `import a.b` yields ("a.b", None). Relative imports are
    resolved against the file's package."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            for alias in node.names:
                yield module, alias.name, node.lineno


def _imported_modules(path: Path) -> Iterator[tuple[str, int]]:
    """The project modules (and outside packages) a file imports: `from a import b` counts as a.b
    when a.b is one of our modules, else as a."""
    for module, name, line in _imports(path):
        if name is not None and f"{module}.{name}" in MODULES:
            yield f"{module}.{name}", line
        else:
            yield module, line


def _receiver(node: ast.expr) -> str:
    """The dotted text of a call's receiver (`ctx.db` for `ctx.db.session()`), "" when not a name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _receiver(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _outside_data_layer() -> list[Path]:
    return [p for p in APP_CODE if not _in_data_layer(_rel(p))]


def test_the_checks_see_the_code():
    """Guards the guards: the walk finds the modules and the imports inside functions."""
    assert {"bot.bootstrap", "handlers.listener", "db.session", "app"} <= set(MODULES)
    inside_function = [m for m, _ in _imported_modules(MODULES["bot.bootstrap"]) if m == "handlers"]
    assert inside_function, "build_bolt_app imports handlers inside the function"


def test_no_sql_outside_db_and_services():
    offenders = []
    for path in _outside_data_layer():
        for module, name, line in _imports(path):
            if not module.startswith("sqlalchemy") or module.startswith(SQLALCHEMY_ALLOWED_MODULES):
                continue
            if (module, name) not in SQLALCHEMY_ALLOWED:
                offenders.append(f"{_rel(path)}:{line} imports {module}{'.' + name if name else ''}")
        for call in _calls(_tree(path)):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in SESSION_METHODS:
                receiver = _receiver(func.value)
                if receiver.split(".")[-1] == "session" or receiver.endswith("_session"):
                    offenders.append(f"{_rel(path)}:{call.lineno} calls {receiver}.{func.attr}()")
    assert offenders == []


def test_no_slack_inside_db():
    offenders = [
        f"{_rel(path)}:{line} imports {module}"
        for path in APP_CODE
        if _rel(path).startswith("db/")
        for module, _, line in _imports(path)
        if module.split(".")[0] in ("slack_sdk", "slack_bolt")
    ]
    assert offenders == []


def test_listener_modules_do_not_import_each_other():
    offenders = []
    for path in APP_CODE:
        own = _module_name(path)
        if not own.startswith("handlers"):
            continue
        for module, line in _imported_modules(path):
            if not module.startswith("handlers") or module in HANDLERS_SHARED or module == own:
                continue
            if own in SURFACES and (module.rpartition(".")[0] == own):
                continue  # a surface registers its own modules
            if module in SURFACES and own == "handlers":
                continue
            offenders.append(f"{_rel(path)}:{line} imports {module}")
    assert sorted(set(offenders)) == []


def test_listeners_never_open_a_unit_of_work():
    offenders = [
        f"{_rel(path)}:{call.lineno}"
        for path in APP_CODE
        if _rel(path).startswith("handlers/")
        for call in _calls(_tree(path))
        if isinstance(call.func, ast.Attribute) and call.func.attr == "session"
    ]
    assert offenders == []


def _reachable(start: str) -> dict[str, str]:
    """Every project module `start` imports, directly or not (inside functions too): module ->
    the module that imports it."""
    seen = {start: ""}
    queue = [start]
    while queue:
        current = queue.pop()
        for module, _ in _imported_modules(MODULES[current]):
            # `import a.b.c` runs a and a.b too.
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                name = ".".join(parts[:i])
                if name in MODULES and name not in seen:
                    seen[name] = current
                    queue.append(name)
    return seen


def test_the_composition_root_knows_neither_the_demo_nor_the_standin():
    """bot/bootstrap.py builds the app; the demo and the stand-in import it, never the reverse
    (not even through the handlers it registers)."""
    reachable = _reachable("bot.bootstrap")
    offenders = {
        module: via for module, via in reachable.items() if module.startswith(("bot.demo", "bot.standin"))
    }
    assert offenders == {}


def test_environment_is_read_only_by_settings():
    offenders = []
    for path in APP_CODE:
        if _rel(path) == "bot/config/settings.py":
            continue
        for module, name, line in _imports(path):
            if module == "os" and name in ("environ", "getenv", "environb", "getenvb"):
                offenders.append(f"{_rel(path)}:{line} imports os.{name}")
        for node in ast.walk(_tree(path)):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv", "environb", "getenvb")
                and _receiver(node.value) == "os"
            ):
                offenders.append(f"{_rel(path)}:{node.lineno} reads os.{node.attr}")
    assert offenders == []


def _is_unit_of_work(item: ast.withitem) -> bool:
    call = item.context_expr
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "session"


def _is_slack_call(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in SLACK_CALLS or name.startswith("notify"):
        return True
    return isinstance(func, ast.Attribute) and _receiver(func.value).split(".")[-1] == "client"


def _statements_run_inside(block: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node the block runs, not descending into functions or classes it only defines."""
    stack: list[ast.AST] = list(block)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def test_no_transaction_stays_open_over_a_slack_call():
    """A unit of work open across a network call holds a connection (and SQLite's write lock)
    for as long as Slack takes, rate-limit waits included."""
    offenders = []
    for path in APP_CODE:
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.With) or not any(_is_unit_of_work(i) for i in node.items):
                continue
            for inner in _statements_run_inside(node.body):
                if isinstance(inner, ast.Call) and _is_slack_call(inner):
                    offenders.append(f"{_rel(path)}:{inner.lineno}")
    assert offenders == []


# -- features ------------------------------------------------------------------------------------
def _features() -> tuple[str, ...]:
    from bot.features import FEATURES

    return FEATURES


def _kernel() -> tuple[str, ...]:
    from bot.features import KERNEL

    return KERNEL


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "bot" and parts[1] in _features():
        return parts[1]
    if len(parts) == 2 and parts[0] == "handlers" and parts[1] in _features():
        return parts[1]
    return None


def _is_blocks(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "blocks" or last.endswith("_blocks")


def _is_jobs(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "jobs" or last.endswith("_jobs")


def _project_imports(path: Path) -> Iterator[tuple[str, int]]:
    for module, line in _imported_modules(path):
        if module in MODULES:
            yield module, line


def test_every_feature_is_a_package_and_has_at_most_one_listener_module():
    for feature in _features():
        assert (ROOT / "bot" / feature / "__init__.py").exists(), feature
    listener_modules = {p.stem for p in (ROOT / "handlers").glob("*.py")} - {
        "__init__",
        "listener",
        "replies",
    }
    assert listener_modules <= set(_features())


def test_the_kernel_imports_no_feature():
    """The playbook root is the one exception: it composes the features' playbook sections."""
    offenders = []
    for name, path in MODULES.items():
        parts = name.split(".")
        if not (len(parts) >= 2 and parts[0] == "bot" and parts[1] in _kernel()):
            continue
        for module, line in _project_imports(path):
            feature = _feature_of(module)
            if feature is None:
                continue
            if name == "bot.config.playbook" and module == f"bot.{feature}.playbook":
                continue
            offenders.append(f"{_rel(path)}:{line} imports {module}")
    assert offenders == []


def test_a_feature_imports_only_earlier_features_services_and_types():
    order = {f: i for i, f in enumerate(_features())}
    offenders = []
    for name, path in MODULES.items():
        own = _feature_of(name)
        if own is None:
            continue
        for module, line in _project_imports(path):
            other = _feature_of(module)
            if other is None or other == own:
                continue
            if order[other] > order[own]:
                offenders.append(f"{_rel(path)}:{line} imports {module}, a later feature")
            elif _is_blocks(module) or _is_jobs(module) or module.startswith("handlers"):
                offenders.append(f"{_rel(path)}:{line} imports {module}, not a service or types")
    assert offenders == []


def _queries_the_database(module: str) -> bool:
    return any(m.split(".")[0] == "sqlalchemy" for m, _, _ in _imports(MODULES[module]))


def test_block_kit_builders_never_import_a_service():
    """Builders take view models (a feature's types module) and return blocks; services hand
    out data and never build UI, so neither side depends on the other. A builder may import pure
    rules and types, never a module that queries the database."""
    offenders = []
    for name, path in MODULES.items():
        if _feature_of(name) is None or not name.startswith("bot.") or not _is_blocks(name):
            continue
        for module, line in _project_imports(path):
            if module.startswith("bot.") and _queries_the_database(module):
                offenders.append(f"{_rel(path)}:{line} imports {module}")
    assert offenders == []


def test_no_first_party_import_inside_a_function():
    """Imports inside functions hide cycles; only the command line imports lazily, to start fast."""
    first_party = ("bot", "handlers", "scheduler", "db", "app")
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("bot.cli") or name == "app":
            continue
        for node in ast.walk(_tree(path)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").split(".")[0] in first_party:
                    offenders.append(f"{_rel(path)}:{inner.lineno} imports {inner.module}")
                elif isinstance(inner, ast.Import) and any(
                    a.name.split(".")[0] in first_party for a in inner.names
                ):
                    offenders.append(f"{_rel(path)}:{inner.lineno}")
    assert sorted(set(offenders)) == []


def test_there_are_no_import_cycles():
    """Counting the imports inside functions too, outside the command line."""
    graph = {
        name: {m for m, _ in _project_imports(path)}
        for name, path in MODULES.items()
        if not name.startswith("bot.cli") and name != "app"
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert [" -> ".join(c) for c in cycles] == []
