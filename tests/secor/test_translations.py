"""Every user-facing string is marked for translation, and the catalogue builds cleanly.

``makemessages -l fr`` runs over the whole project (Python and templates) into
a temporary folder; any warning xgettext prints (a malformed format string, a
``{% blocktranslate %}`` it cannot parse) fails the test, so the French
catalogue stays cheap to make.
"""

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

# Everything that holds user-facing strings: the project's apps and templates.
SOURCES = [
    Path(config.path).name
    for config in apps.get_app_configs()
    if "site-packages" not in config.path
] + ["templates"]

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs Debian gettext")


@pytest.fixture
def catalogue(settings, monkeypatch, tmp_path):
    # makemessages writes beside the sources it finds, so it runs in a temporary
    # folder of links to the project's code and templates, never in the tree.
    root = Path(settings.BASE_DIR)
    for name in SOURCES:
        (tmp_path / name).symlink_to(root / name, target_is_directory=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "makemessages",
        locale=["fr"],
        symlinks=True,
        ignore_patterns=["*/migrations/*"],
        verbosity=1,
        stdout=out,
        stderr=err,
    )
    po = (tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text()
    # makemessages passes xgettext's and msgmerge's warnings on on stdout, not stderr,
    # beside its own "processing locale fr" line.
    said = [
        line
        for line in out.getvalue().splitlines()
        if line.strip() and not line.startswith("processing locale")
    ]
    return po, err.getvalue() + "\n".join(said)


def test_makemessages_runs_clean(catalogue):
    _, warnings = catalogue
    assert warnings == ""


def test_the_catalogue_holds_python_and_template_strings(catalogue):
    po, _ = catalogue
    assert 'msgid "Rules not set up' in po or "Rules not set up" in po  # templates
    assert 'msgid "Company profile saved."' in po  # employers/views.py
    assert 'msgid "Keep the required training valid"' in po  # training/hooks.py
    assert 'msgid "WCB board"' in po  # a model field's verbose name


def test_the_project_points_django_at_its_locale_folder():
    assert Path(settings.LOCALE_PATHS[0]) == settings.BASE_DIR / "locale"
    assert (settings.BASE_DIR / "locale").is_dir()
