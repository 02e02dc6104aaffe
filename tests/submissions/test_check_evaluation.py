"""``manage.py check_evaluation``: the same inspection on a local file, with exit codes.

Run through ``ManagementUtility`` as the shell runs it, so argument errors and
``CommandError``s become the real exit statuses. A run closes the database
connections when it ends (as Django's command runner does), so each test runs
the command once.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import ManagementUtility

from audits.seeds import ALBERTA_ELEMENTS

from ..audits.factories import seeded
from ..factories import AssociationFactory
from .test_inspection import PDF, make_zip

ELEMENT_FOLDERS = [f"{n:02d} - {name}" for n, name in enumerate(ALBERTA_ELEMENTS, start=1)]


def run(capsys, *args) -> tuple[int, str, str]:
    code = 0
    try:
        ManagementUtility(["manage.py", "check_evaluation", *map(str, args)]).execute()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def write_zip(path, files):
    path.write_bytes(make_zip(files).getvalue())
    return path


@pytest.fixture
def amta(association):
    seeded(association, "amta")
    return association


@pytest.fixture
def good_zip(tmp_path):
    files = {"ACME/SECOR audit tool.pdf": PDF}
    files.update({f"ACME/{folder}/evidence.pdf": PDF for folder in ELEMENT_FOLDERS})
    return write_zip(tmp_path / "good.zip", files)


def test_a_zip_that_would_be_accepted_exits_0(amta, good_zip, capsys):
    code, out, _err = run(capsys, good_zip, "--association", "amta")
    assert code == 0
    assert "Would be accepted" in out


def test_warnings_alone_still_exit_0_and_are_listed(amta, tmp_path, capsys):
    files = {f"{folder}/evidence.pdf": PDF for folder in ELEMENT_FOLDERS}
    path = write_zip(tmp_path / "no-tool.zip", files)
    code, out, _err = run(capsys, path, "--association", "amta", "--program", "cor")
    assert code == 0
    assert "WARNING [missing_tool_document]" in out


def test_a_zip_that_would_be_refused_exits_1_with_each_problem(amta, tmp_path, capsys):
    files = {"SECOR audit tool.pdf": PDF, "../escape.pdf": PDF}
    files.update({f"{folder}/evidence.pdf": PDF for folder in ELEMENT_FOLDERS[1:]})
    path = write_zip(tmp_path / "bad.zip", files)
    code, out, _err = run(capsys, path, "--association", "amta")
    assert code == 1
    assert "ERROR   [path_traversal] ../escape.pdf:" in out
    assert "[missing_element_folder]" in out
    assert "Management leadership" in out
    assert "Would be refused" in out


def test_json_output_has_the_documented_shape(amta, tmp_path, capsys):
    files = {"SECOR audit tool.pdf": PDF, "01 - Policy/setup.exe": b"MZ"}
    path = write_zip(tmp_path / "bad.zip", files)
    code, out, _err = run(capsys, path, "--association", "amta", "--json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"valid", "problems", "entries", "inflated_bytes"}
    assert data["valid"] is False
    assert data["entries"] == 2
    assert data["inflated_bytes"] == len(PDF) + 2
    exe = next(p for p in data["problems"] if p["code"] == "executable")
    assert exe["entry"] == "01 - Policy/setup.exe"
    assert exe["message"]
    assert {"code", "message", "entry"} <= set(exe)


def test_json_output_of_an_accepted_zip(amta, good_zip, capsys):
    code, out, _err = run(capsys, good_zip, "--association", "amta", "--json")
    assert code == 0
    data = json.loads(out)
    assert data == {
        "valid": True,
        "problems": [],
        "entries": 11,
        "inflated_bytes": 11 * len(PDF),
    }


def test_a_file_that_is_not_a_zip_exits_1(amta, tmp_path, capsys):
    path = tmp_path / "report.zip"
    path.write_bytes(b"not a zip at all")
    code, out, _err = run(capsys, path, "--association", "amta", "--json")
    assert code == 1
    assert json.loads(out)["problems"][0]["code"] == "not_a_zip"


def test_an_unknown_association_is_a_usage_error(amta, good_zip, capsys):
    code, out, err = run(capsys, good_zip, "--association", "nowhere")
    assert code == 2
    assert "No association with the slug “nowhere”" in err
    assert "amta" in err
    assert out == ""


def test_a_missing_file_is_a_usage_error(amta, tmp_path, capsys):
    code, _out, err = run(capsys, tmp_path / "absent.zip", "--association", "amta")
    assert code == 2
    assert "No file at" in err


def test_an_unknown_program_is_a_usage_error(amta, good_zip, capsys):
    code, _out, err = run(capsys, good_zip, "--association", "amta", "--program", "iso")
    assert code == 2
    assert "invalid choice: 'iso'" in err


def test_missing_arguments_are_a_usage_error(capsys, db):
    code, _out, err = run(capsys)
    assert code == 2
    assert "required" in err


def test_an_association_without_a_published_tool_is_a_usage_error(db, good_zip, capsys):
    AssociationFactory(slug="fresh")
    code, _out, err = run(capsys, good_zip, "--association", "fresh")
    assert code == 2
    assert "does not run the secor program" in err


def test_the_command_judges_against_the_association_of_the_slug(
    amta, other_association, tmp_path, capsys
):
    # SCSA's tool has 13 sections + 3 supplemental: the Alberta zip misses most.
    seeded(other_association, "scsa")
    files = {"SECOR audit tool.pdf": PDF}
    files.update({f"{folder}/evidence.pdf": PDF for folder in ELEMENT_FOLDERS})
    path = write_zip(tmp_path / "alberta.zip", files)
    code, out, _err = run(capsys, path, "--association", "scsa", "--json")
    assert code == 1
    missing = [p for p in json.loads(out)["problems"] if p["code"] == "missing_element_folder"]
    assert len(missing) == 6  # sections 11-13 and the three supplemental ones


def test_the_associations_evaluation_rule_applies_as_for_an_upload(amta, tmp_path, capsys):
    # The same spec as the inspection task: here the rule flags more than 2
    # documents in one element folder as more than a sample.
    from secor.models import Program
    from secor.tenancy import activate
    from submissions.models import SubmissionKind, SubmissionRule

    with activate(amta):
        program = Program.objects.get(kind="secor")
        SubmissionRule.objects.update_or_create(
            association=amta,
            program=program,
            kind=SubmissionKind.EVALUATION,
            defaults={"sample_threshold": 2},
        )
    files = {"SECOR audit tool.pdf": PDF}
    files.update({f"{folder}/evidence.pdf": PDF for folder in ELEMENT_FOLDERS})
    files.update({f"{ELEMENT_FOLDERS[0]}/more {i}.pdf": PDF for i in range(2)})
    path = write_zip(tmp_path / "sample.zip", files)
    code, out, _err = run(capsys, path, "--association", "amta", "--json")
    assert code == 0
    assert [p["code"] for p in json.loads(out)["problems"]] == ["too_many_documents"]
