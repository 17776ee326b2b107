"""Directional control characters (U+202E RIGHT-TO-LEFT OVERRIDE and kin): refused in names,
stripped wherever text cannot be isolated (associations/text.py, associations/spreadsheets.py)."""

import pytest

from associations.errors import WaslError
from associations.spreadsheets import csv_cell, xlsx_cell
from associations.text import refuse_bidi_formatting, strip_bidi_controls, strip_bidi_marks


def test_overrides_embeddings_and_isolates_are_refused_on_the_field_named():
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        with pytest.raises(WaslError) as refused:
            refuse_bidi_formatting(f"Ahmed{control}", field="last_name_latin")
        assert refused.value.field == "last_name_latin"
    refuse_bidi_formatting("أحمد Ahmed 12\u200f", field="x")  # marks and mixed scripts are fine


def test_stripping_removes_every_control_and_keeps_the_text():
    assert strip_bidi_controls("Al\u202eAmal\u2066x\u2069\u200f") == "AlAmalx"
    assert strip_bidi_controls("جمعية الأمل") == "جمعية الأمل"
    assert strip_bidi_marks("\u200fأحمد\u202e") == "أحمد\u202e"


@pytest.mark.parametrize("cell", [csv_cell, xlsx_cell])
def test_spreadsheet_cells_lose_controls_before_the_formula_check(cell):
    assert cell("Member\u202egnp.exe") == "Membergnp.exe"
    assert cell('\u202e=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
