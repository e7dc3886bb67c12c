"""Every refused input is a ProblemError naming the entry; the CLI exits 2 with that one line."""

from __future__ import annotations

import copy
import json

import pytest

from rostering.engine import ProblemError, parse_problem
from rostering.engine.__main__ import main

from .helpers import person, problem, shift


def base() -> dict:
    return problem(
        [shift("c-1", 0, 4, low=1, high=2), shift("s-1", 0, 8, channel=None)],
        [person("p-1"), person("boss", role="supervisor")],
        ratio=2,
        rest=8,
    )


def mutate(path: str, value):
    """Set document[path] (dotted, with list indices) to value; the sentinel DELETE removes the key."""

    def apply(document: dict) -> dict:
        *parents, last = path.split(".")
        node = document
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is DELETE:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
        return document

    return apply


DELETE = object()

REFUSED = [
    ("format", "roster-problem/3", "format: expected"),
    ("shifts.0.min", 3, 'shifts[0] (id "c-1"): min 3 > max 2'),
    ("shifts.0.min", -1, 'shifts[0] (id "c-1"): min -1 is negative'),
    ("shifts.0.max", 1.5, 'shifts[0] (id "c-1"): max must be a whole number'),
    (
        "shifts.0.start",
        "2026-03-02T00:00",
        "shifts[0] (id \"c-1\"): start '2026-03-02T00:00' has no UTC offset",
    ),
    ("shifts.0.start", "yesterday", "shifts[0] (id \"c-1\"): start 'yesterday' is not an ISO 8601 datetime"),
    (
        "shifts.0.end",
        "2026-03-09T00:00+00:00",
        'shifts[0] (id "c-1"): 2026-03-02T00:00:00+00:00 to 2026-03-09T00:00+00:00 lies outside the horizon',
    ),
    ("shifts.1.id", "c-1", 'shifts[1] (id "c-1"): duplicated id'),
    ("shifts.0.role", "manager", "shifts[0] (id \"c-1\"): unknown role 'manager'"),
    ("shifts.0.channel", None, 'shifts[0] (id "c-1"): a counselor shift needs a channel'),
    ("shifts.0.channel", "", 'shifts[0] (id "c-1"): a counselor shift needs a channel'),
    ("shifts.1.channel", "voice", 'shifts[1] (id "s-1"): a supervisor shift has no channel'),
    ("shifts.0.max", DELETE, "shifts[0] (id \"c-1\"): missing key 'max'"),
    ("shifts.0", "c-1", "shifts[0]: must be an object"),
    ("people.0.max_hours", -4, 'people[0] (id "p-1"): max_hours -4 is negative'),
    ("people.0.target_hours", "ten", 'people[0] (id "p-1"): target_hours must be a number'),
    ("people.1.id", "p-1", 'people[1] (id "p-1"): duplicated id'),
    ("people.0.role", "volunteer", "people[0] (id \"p-1\"): unknown role 'volunteer'"),
    ("people.0.channels", [""], 'people[0] (id "p-1"): channels must be a list of non-empty strings'),
    (
        "people.0.available",
        [["2026-03-02T04:00+00:00", "2026-03-02T02:00+00:00"]],
        'people[0] (id "p-1"): available[0] ends at or before it starts',
    ),
    (
        "people.0.unpreferred",
        [["2026-03-02T04:00"]],
        'people[0] (id "p-1"): unpreferred[0] must be a [start, end]',
    ),
    ("rules.supervisor_ratio", 0, "rules: supervisor_ratio 0 is below 1"),
    ("rules.min_rest_hours", -1, "rules: min_rest_hours -1 is negative"),
    ("weights.uncovered", -5, "weights: uncovered -5 is negative"),
    ("horizon.end", "2026-03-01T00:00+00:00", "horizon: ends at or before it starts"),
    ("pinned", [{"shift": "c-9", "person": "p-1"}], "pinned[0]: unknown shift 'c-9'"),
    ("previous", [{"shift": "c-1", "person": "nobody"}], "previous[0]: unknown person 'nobody'"),
    ("previous", [{"shift": "c-1", "person": "p-1"}] * 2, "previous[1]: duplicated pair c-1/p-1"),
]


@pytest.mark.parametrize(("path", "value", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_a_message_naming_the_entry(path, value, message):
    document = mutate(path, value)(copy.deepcopy(base()))
    with pytest.raises(ProblemError) as caught:
        parse_problem(document)
    assert message in str(caught.value)


def test_the_base_document_is_accepted():
    parsed = parse_problem(base())
    assert [s.id for s in parsed.shifts] == ["c-1", "s-1"]
    assert parsed.supervisor_ratio == 2


def test_a_channel_nobody_has_is_accepted():
    document = base()
    document["shifts"][0]["channel"] = "video"
    assert parse_problem(document).shifts[0].channel == "video"


@pytest.mark.parametrize(("path", "value", "message"), REFUSED[:6], ids=[r[0] for r in REFUSED[:6]])
def test_cli_exits_2_with_the_message(tmp_path, capsys, path, value, message):
    path_out = tmp_path / "problem.json"
    path_out.write_text(json.dumps(mutate(path, value)(copy.deepcopy(base()))))
    assert main(["solve", str(path_out), "--seconds", "1"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["{not json", "[]", ""])
def test_cli_refuses_malformed_files(tmp_path, capsys, text):
    path = tmp_path / "broken.json"
    path.write_text(text)
    assert main(["solve", str(path), "--seconds", "1"]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_cli_refuses_a_missing_file(tmp_path, capsys):
    assert main(["solve", str(tmp_path / "absent.json"), "--seconds", "1"]) == 2
    assert "cannot read" in capsys.readouterr().err
