"""Check a zipped evaluation on disk exactly as an upload would be inspected.

Same code, spec and limits as the inspection task: ``services.inspection_spec``
(the association's evaluation rule over the program's current published tool)
and ``SUBMISSIONS_MAX_INFLATED_BYTES``.

For staff and consultants before a zip is sent. Exit status: 0 the zip would
be accepted (warnings allowed), 1 it would be refused, 2 usage error.
"""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from secor.models import Association, ProgramKind
from secor.tenancy import activate
from submissions.inspection import Limits, inspect
from submissions.models import Submission, SubmissionKind
from submissions.services import inspection_spec

USAGE_ERROR = 2
REFUSED = 1


class Command(BaseCommand):
    help = (
        "Inspect a zipped evaluation with the association's current published audit tool "
        "and list every problem (exit 0 accepted, 1 refused, 2 usage error)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The zip file to check.")
        parser.add_argument("--association", required=True, help="The association's slug.")
        parser.add_argument(
            "--program",
            default=ProgramKind.SECOR,
            choices=ProgramKind.values,
            help="The program whose audit tool applies (default: secor).",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **opts):
        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.", returncode=USAGE_ERROR)
        association = Association.objects.filter(slug=opts["association"]).first()
        if association is None:
            known = ", ".join(Association.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"No association with the slug “{opts['association']}” (known: {known}).",
                returncode=USAGE_ERROR,
            )
        with activate(association):
            program, tool = self._program_and_tool(association, opts["program"])
            # The upload's own spec and limits: the association's evaluation rule
            # over the program's current tool (an upload without an audit gets the same).
            spec = inspection_spec(
                Submission(association=association, program=program, kind=SubmissionKind.EVALUATION)
            )
            limits = Limits(max_inflated_bytes=settings.SUBMISSIONS_MAX_INFLATED_BYTES)
            try:
                with path.open("rb") as fileobj:
                    result = inspect(fileobj, spec=spec, limits=limits)
            except OSError as error:
                message = f"Cannot read {path}: {error}"
                raise CommandError(message, returncode=USAGE_ERROR) from error

        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "valid": result.valid,
                        "problems": [
                            {
                                "code": str(p.code),
                                "message": p.message,
                                "entry": p.entry,
                                "severity": p.severity,
                            }
                            for p in result.problems
                        ],
                        "entries": len(result.entries),
                        "inflated_bytes": result.inflated_bytes,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            self.stdout.write(f"{path.name} against {tool} ({association.short_name}):")
            for p in result.problems:
                where = f" {p.entry}:" if p.entry else ""
                self.stdout.write(f"  {p.severity.upper():7} [{p.code}]{where} {p.message}")
            errors, warnings = len(result.errors), len(result.warnings)
            summary = (
                f"{len(result.entries)} entries, {result.inflated_bytes} bytes unpacked; "
                f"{errors} error(s), {warnings} warning(s)."
            )
            if result.valid:
                self.stdout.write(self.style.SUCCESS(f"Would be accepted: {summary}"))
            else:
                self.stdout.write(self.style.ERROR(f"Would be refused: {summary}"))
        if not result.valid:
            sys.exit(REFUSED)

    def _program_and_tool(self, association, kind):
        from audits.models import AuditTool
        from secor.models import Program

        program = Program.objects.filter(kind=kind).first()
        if program is None:
            raise CommandError(
                f"{association.short_name} does not run the {kind} program.",
                returncode=USAGE_ERROR,
            )
        tool = (
            AuditTool.objects.filter(program=program, status=AuditTool.Status.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if tool is None:
            raise CommandError(
                f"{association.short_name} has no published {kind} audit tool yet.",
                returncode=USAGE_ERROR,
            )
        return program, tool
