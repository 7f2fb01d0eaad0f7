"""The layout holds: apps by domain, libraries without models, no import cycles, one noun per
actions module, and the bulletin app holding the bulletin's own domain only.

The import-linter contract (.importlinter, run by .ci/run) checks the direction between layers;
these tests check what it does not: cycles inside a layer or an app, imports hidden in
functions, and what lives where. They read the source with ``ast`` and import nothing of it.
"""

import ast
from pathlib import Path

from tests.paths import ROOT

# Django apps: their models, actions, queries, views and templates.
APPS = {
    "accounts", "audit", "service", "submissions", "bulletin", "proofreading",
    "backissues", "archive", "assessment", "demo", "manual", "messaging",
}  # fmt: skip
# Libraries without models at the bottom, and the project package on top.
LIBRARIES = {"text", "intake", "printing", "web"}
PROJECT = {"config"}
# Where Python lives that is not part of the running product.
TOOLING = {"tests", "bench", "scripts", "deploy", "docs"}

# Each actions module and the one noun it changes. A new actions module is added here, so
# that a module gathering several nouns is noticed where it is written.
ACTIONS = {
    "accounts/actions.py": "account",
    "submissions/actions/pieces.py": "piece (稿件) and its workflow",
    "submissions/actions/back_issue_pieces.py": "piece of a back issue",
    "submissions/actions/comments.py": "comment (留言)",
    "submissions/actions/commissions.py": "commission (约稿)",
    "submissions/actions/reminders.py": "reminder (提醒)",
    "submissions/actions/notifications.py": "notification (通知)",
    "submissions/actions/import_jobs.py": "import job (从 Word 导入, read in the background)",
    "submissions/actions/uploads.py": "upload record (the daily upload quota)",
    "messaging/actions/deliveries.py": "delivery (送达): a message on one channel to one recipient",
    "messaging/actions/preferences.py": "notification settings (通知方式): contact details, channel choices, 每日汇总",
    "submissions/actions/digests.py": "daily digest (每日汇总): one message a day in place of held e-mails",
    "messaging/actions/unit_contacts.py": "unit contact (单位联系人): how a unit without an account is reached",
    "bulletin/actions/issues.py": "issue (期): create, number, edit, delete",
    "bulletin/actions/placements.py": "placement: the issue's layout",
    "bulletin/actions/publishing.py": "publication of an issue (刊发, 更正)",
    "bulletin/actions/publish_jobs.py": "publish job (background 刊发/更正)",
    "backissues/actions.py": "back-issue import (往期导入)",
    "assessment/actions/instructions.py": "instruction (批示)",
    "assessment/actions/quotas.py": "quota (报送任务)",
    "assessment/actions/higher_adoptions.py": "higher adoption (上级采用)",
    "proofreading/actions/dismissals.py": "dismissal of a 校对 finding",
    "proofreading/actions/corrections.py": "correction: a 校对 suggestion applied to a piece",
}
# Helpers shared by one app's actions modules: errors and locks, no actions of their own.
ACTION_HELPERS = {
    "bulletin/actions/common.py",
    "submissions/actions/common.py",
    "proofreading/actions/common.py",
}
# More public functions than this in one actions module is several nouns in one room.
MAX_ACTIONS_PER_MODULE = 20

BULLETIN_MODELS = {
    "Publication", "DistributionList", "Section", "Issue", "Placement", "IssuePdf", "DraftRender", "PublishJob",
}  # fmt: skip


def _modules() -> dict[str, Path]:
    """{dotted module name: path} of every module of the product (apps, libraries, config)."""
    found = {}
    for package in sorted(APPS | LIBRARIES | PROJECT):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The product module an imported name lives in ("bulletin.models.Issue" → "bulletin.models")."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _function_imports(tree: ast.AST) -> set[int]:
    """ids of the import nodes that sit inside a function."""
    inner = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            inner.update(
                id(node) for node in ast.walk(function) if isinstance(node, ast.Import | ast.ImportFrom)
            )
    return inner


def _imports(module: str) -> list[tuple[str, int, bool]]:
    """(imported product module, line, inside a function) for every import of `module`."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = _function_imports(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target != module:
                found.append((target, node.lineno, id(node) in inner))
    return found


def _is_task_body_import(module: str, in_function: bool) -> bool:
    # The one accepted function-level import: a task module's task importing the action it
    # runs (the action module enqueues the task, so one of the two must wait until call time).
    return in_function and module.endswith(".tasks")


def _graph() -> dict[str, set[str]]:
    return {
        module: {target for target, _, inner in _imports(module) if not _is_task_body_import(module, inner)}
        for module in MODULES
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_among_the_products_modules():
    assert _cycles(_graph()) == []


def test_imports_inside_functions_say_why():
    """A function-level import is a smell; where one is needed, a comment on it or on the line
    before says why (task bodies and AppConfig.ready() are the accepted places)."""
    unexplained = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _target, line, inner in _imports(module):
            if not inner or _is_task_body_import(module, inner) or path.name == "apps.py":
                continue
            here, before = lines[line - 1], lines[line - 2].strip()
            if "#" not in here and not before.startswith("#"):
                unexplained.append(f"{path.relative_to(ROOT)}:{line}")
    assert sorted(set(unexplained)) == []


def test_every_top_level_package_is_an_app_a_library_or_the_project():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages - TOOLING == APPS | LIBRARIES | PROJECT


def test_libraries_and_the_project_package_hold_no_models():
    for package in LIBRARIES | PROJECT:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            models = [
                node.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ClassDef)
                and any(ast.unparse(base) in ("models.Model", "Model") for base in node.bases)
            ]
            assert models == [], f"{path.relative_to(ROOT)} defines models {models}"
    assert not [p for p in (ROOT / "config").rglob("*.py") if p.parent.name == "migrations"]


def test_each_actions_module_changes_one_noun():
    found = {
        str(path.relative_to(ROOT))
        for package in APPS
        for path in [*(ROOT / package).glob("actions.py"), *(ROOT / package).glob("actions/*.py")]
        if path.name != "__init__.py"
    }
    assert found - ACTION_HELPERS == set(ACTIONS), "an actions module is missing from the table, or gone"
    for name in ACTIONS:
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        public = [
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")
        ]
        assert 0 < len(public) <= MAX_ACTIONS_PER_MODULE, (name, public)
    for package in ("bulletin/actions", "submissions/actions", "assessment/actions"):
        assert (ROOT / package / "__init__.py").read_text(encoding="utf-8").strip() == "", (
            f"{package}/__init__.py re-exports: import the noun's module instead"
        )


def test_the_bulletin_app_holds_the_bulletins_own_domain():
    tree = ast.parse((ROOT / "bulletin" / "models.py").read_text(encoding="utf-8"))
    models = {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b) == "models.Model" for b in node.bases)
    }
    assert models == BULLETIN_MODELS
    elsewhere = {"settings.py", "urls.py", "wsgi.py", "demo.py", "stats.py", "search.py", "quotas.py"}
    assert not {p.name for p in (ROOT / "bulletin").glob("*.py")} & elsewhere
    assert not (ROOT / "bulletin" / "importing").exists()
    assert not (ROOT / "bulletin" / "printing").exists()
