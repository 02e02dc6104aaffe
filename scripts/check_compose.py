"""Validate docker-compose.yml against the vendored Compose Specification schema.

CI machines have no Docker client, so `docker compose config` cannot run there;
this check always runs and says exactly what it checked. Exit status 1 on any
problem, with the path of each error in the file.
"""

import json
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "schemas" / "compose-spec.json"


def problems(compose_path: Path, schema_path: Path = SCHEMA) -> list[str]:
    """Every way the compose file breaks the schema (empty when it is valid)."""
    try:
        document = yaml.safe_load(compose_path.read_text())
    except (OSError, yaml.YAMLError) as error:
        return [f"{compose_path.name} cannot be read as YAML: {error}"]
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.Draft7Validator(schema)
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        found.append(f"{where}: {error.message}")
    if not found and not (isinstance(document, dict) and document.get("services")):
        found.append("no services defined")
    return found


def main(argv: list[str]) -> int:
    compose_path = Path(argv[1]) if len(argv) > 1 else ROOT / "docker-compose.yml"
    found = problems(compose_path)
    if found:
        print(f"{compose_path.name} does NOT match the Compose Specification schema:")
        for line in found:
            print(f"  {line}")
        return 1
    services = yaml.safe_load(compose_path.read_text())["services"]
    print(
        f"{compose_path.name} validated against the Compose Specification schema "
        f"({len(services)} services: {', '.join(services)})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
