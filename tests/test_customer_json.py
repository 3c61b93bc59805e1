"""The customer objects' JSON text is built by Arrow kernels: it must equal json.dumps's."""

from __future__ import annotations

import json

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from hcportal.transform.customers import escape


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=20))
def test_escaping_equals_json_dumps_for_any_text(values):
    got = escape(pa.array(values, pa.string())).to_pylist()
    assert got == [json.dumps(v) for v in values]
    assert [json.loads(x) for x in got] == values


def test_hostile_text_round_trips():
    hostile = ['a"b', "c\\d", "x\ny", "\u2028", "</script>", "Ünï", "\x00", '\\"', ""]
    assert [json.loads(x) for x in escape(pa.array(hostile)).to_pylist()] == hostile
    assert all("\n" not in x and "\u2028" not in x for x in escape(pa.array(hostile)).to_pylist())
