"""The one ``Reason``: why a rule's verdict is what it is.

Every pure rule module (eligibility, training compliance, schedule, scoring,
transitions) explains its verdicts with these: a stable ``code`` for code and
tests, a ``message`` for people, and the facts the message is about. Fields
after ``message`` are keyword-only, so each module names the ones it uses.

Rule modules are standard library only, so they cannot translate. A reason
built from a message template keeps the ``template`` (marked with
``gettext_noop`` so ``makemessages`` collects it) and its ``params``; the edge
renders ``localized`` — the template translated by the translator the Django
layer installs (``set_translator``, from ``SecorConfig.ready``), filled with
the params. ``message`` stays the English text, for logs and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from datetime import date
from string import Formatter


def gettext_noop(message: str) -> str:
    """Marks a message template for the catalogue; translated later, at the edge."""
    return message


_translate: Callable[[str], str] = gettext_noop


def set_translator(translate: Callable[[str], str]) -> None:
    global _translate
    _translate = translate


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    _: KW_ONLY
    # Eligibility: a blocking reason makes the employer ineligible.
    blocking: bool = False
    # Scoring: the element the reason is about.
    element_number: int | None = None
    # Training: whose record, which course, and by when.
    person_id: int | str | None = None
    course_code: str | None = None
    due_on: date | None = None
    # The untranslated message template and the values it was filled with.
    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_template(cls, code: str, template: str, fields: Mapping[str, object], **kw):
        """A reason whose message is ``template`` filled with ``fields``."""
        used = {name for _, name, _, _ in Formatter().parse(template) if name}
        params = tuple(sorted((k, str(v)) for k, v in fields.items() if k in used))
        return cls(code, template.format(**dict(params)), template=template, params=params, **kw)

    @property
    def localized(self) -> str:
        """The message in the active language (the English one without a template)."""
        if not self.template:
            return self.message
        return _translate(self.template).format(**dict(self.params))
