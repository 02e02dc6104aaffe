"""The core app depends on no app: apps plug in through ``secor.hooks`` instead.

Every ``import``/``from`` statement of every module of ``secor`` (outside its
migrations, which Django links to the apps' migrations), at any depth — inside
functions too — is checked.
"""

import ast
from pathlib import Path

from django.apps import apps

import secor

CORE = Path(secor.__file__).parent
OTHER_APPS = {
    config.name.split(".")[0]
    for config in apps.get_app_configs()
    if "site-packages" not in config.path and config.name.split(".")[0] != "secor"
} | {"tests"}


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def core_modules():
    return [p for p in sorted(CORE.rglob("*.py")) if "migrations" not in p.relative_to(CORE).parts]


def test_the_check_knows_the_apps_and_the_modules():
    assert {"employers", "training", "audits", "submissions"} <= OTHER_APPS
    assert CORE / "services.py" in core_modules()
    assert not any("migrations" in p.parts for p in core_modules())


def test_no_module_of_secor_imports_an_app():
    offenders = [
        f"{path.relative_to(CORE.parent)}:{line} imports {module}"
        for path in core_modules()
        for line, module in imported_modules(path)
        if module.split(".")[0] in OTHER_APPS
    ]
    assert offenders == [], "secor must not import an app; register a hook instead:\n" + "\n".join(
        offenders
    )


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from employers.services import x\n    import training\n")
    assert [m for _, m in imported_modules(module)] == ["employers.services", "training"]
