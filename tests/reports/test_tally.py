"""``stock.Tally.add_records`` (records counted by ``itemgetter`` when every record has the attributes) counts
as the plain count of ``attrs.get`` tuples, with attributes missing on some records and key sets of every size."""

from __future__ import annotations

from collections import Counter

from dangvu.reports.engine import Record
from dangvu.reports.stock import Tally


def _plain(records, keys):
    return Counter(tuple(r.attrs.get(k) for k in keys) for r in records)


def test_tally_counts_as_the_plain_count():
    records = [Record("member", f"m{i}", "", None, "", "",
                      {"flow": ("died", "transferred_out", "transferred_in")[i % 3], "age": 20 + i % 4,
                       "readmitted": i % 5 == 0, **({"province": ("same", "other")[i % 2]} if i % 3 else {})})
               for i in range(40)]
    shapes = {(), ("flow",), ("age",), ("flow", "age"), ("flow", "province"), ("province",), ("readmitted",)}
    tally = Tally().add_records(records, shapes, {((), "age"), (("flow",), "age")})
    for keys in shapes:
        assert dict(tally.counts[keys]) == dict(_plain(records, keys)), keys
    assert tally.count((), ()) == 40
    assert tally.mean((), (), "age") == round(sum(r.attrs["age"] for r in records) / 40, 1)
    died = [r.attrs["age"] for r in records if r.attrs["flow"] == "died"]
    assert tally.mean(("flow",), ("died",), "age") == round(sum(died) / len(died), 1)
    empty = Tally().add_records([], shapes, set())
    assert all(empty.count(keys, ()) == 0 for keys in shapes) and not empty.counts[()]
