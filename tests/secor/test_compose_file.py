"""docker-compose.yml is checked against the Compose Specification schema for real."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check_compose.py"


def _check(path):
    return subprocess.run(
        [sys.executable, str(CHECK), str(path)], capture_output=True, text=True, timeout=60
    )


def test_the_compose_file_matches_the_compose_specification_schema():
    result = _check(ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validated against the Compose Specification schema" in result.stdout
    assert "web, worker, beat" in result.stdout


def test_a_misspelled_service_key_is_reported_with_its_path(tmp_path):
    bad = tmp_path / "docker-compose.yml"
    text = (ROOT / "docker-compose.yml").read_text()
    bad.write_text(text.replace("command: celery -A secor beat", "comand: celery -A secor beat"))
    result = _check(bad)
    assert result.returncode == 1
    assert "does NOT match" in result.stdout
    assert "services/beat: 'comand'" in result.stdout
    assert "validated" not in result.stdout


def test_a_wrong_type_and_broken_yaml_are_refused(tmp_path):
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("services:\n  web:\n    image: x\n    ports: 8000\n")
    assert _check(wrong).returncode == 1
    broken = tmp_path / "broken.yml"
    broken.write_text("services: [\n")
    result = _check(broken)
    assert result.returncode == 1
    assert "cannot be read as YAML" in result.stdout


def test_a_file_without_services_is_not_reported_as_checked(tmp_path):
    empty = tmp_path / "empty.yml"
    empty.write_text("{}\n")
    result = _check(empty)
    assert result.returncode == 1
    assert "no services" in result.stdout
