"""CSV cells a spreadsheet would run as formulas are quoted; nothing else is touched."""

import pytest

from secor.tables import safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("", ""),  # an empty cell stays empty
        ("Acme Roofing", "Acme Roofing"),
        (None, None),
        (12, 12),
    ],
)
def test_only_formula_openers_are_quoted(value, written):
    assert safe_cell(value) == written
