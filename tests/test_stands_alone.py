"""The repository stands alone: nothing in it points at files outside it.

Rules are cited as sections of ``docs/rules.md``; the product documents and
the associations' source files that the first versions were built from are
not part of the repository, so no code, comment, test or document may name
them (the shared product folder beside the clone, the specification and
toolchain notes, the hashed names of the source files).
"""

import re
from pathlib import Path

from django.conf import settings

OUTSIDE = re.compile(r"\.\./shared|SPEC\.md|SPEC §|TOOLCHAIN|\b\d{3}_[0-9a-f]{16}\.txt\b")
TEXT = {".py", ".md", ".html", ".txt", ".toml", ".yml", ".yaml", ".sh", ".cfg", ".ini", ""}
SKIP_DIRS = {".git", ".venv", "node_modules", "static", "var", "__pycache__", "locale"}


def project_files():
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if set(relative.parts) & SKIP_DIRS or relative.parts[0].startswith(".makemessages"):
            continue
        if path.is_file() and (path.suffix in TEXT or path.name in {"Dockerfile", "Makefile"}):
            yield relative.as_posix(), path


def test_no_file_refers_to_documents_outside_the_repository():
    offenders = [
        f"{name}:{number}: {line.strip()[:80]}"
        for name, path in project_files()
        if name != "tests/test_stands_alone.py"
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == [], "cite docs/rules.md instead:\n" + "\n".join(offenders)


def test_the_rules_document_is_in_the_repository():
    rules = (Path(settings.BASE_DIR) / "docs" / "rules.md").read_text()
    for anchor in ("amta-minimum-scores", "acsa-size-limit", "scsa-de-roll", "reading-headcount"):
        assert f'id="{anchor}"' in rules


def test_every_cited_rule_section_exists():
    rules = (Path(settings.BASE_DIR) / "docs" / "rules.md").read_text()
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', rules))
    cited = {
        (name, anchor)
        for name, path in project_files()
        for line in path.read_text(errors="replace").splitlines()
        if "docs/rules.md#" in line
        for anchor in re.findall(r"#([a-z][a-z0-9-]+)", line.split("docs/rules.md", 1)[1])
    }
    assert cited, "the code cites docs/rules.md"
    missing = sorted(f"{name}: #{anchor}" for name, anchor in cited if anchor not in anchors)
    assert missing == [], "no such section in docs/rules.md:\n" + "\n".join(missing)
