"""The arguments of `ohw check` read before click is loaded
(ohw.startup.arguments): read as click reads them, or given up on."""

from __future__ import annotations

import pytest

from ohw.cli.app import cli
from ohw.startup.arguments import FLAGS, SHORT, VALUED, read_check_arguments


@pytest.mark.parametrize(
    ("arguments", "paths", "values", "flags"),
    [
        ([], [], {}, set()),
        (["a", "b"], ["a", "b"], {}, set()),
        (["--format", "json", "x"], ["x"], {"--format": "json"}, set()),
        (["--format=sarif", "--json"], [], {"--format": "sarif"}, {"--json"}),
        (["-o", "report.txt", "x"], ["x"], {"--output": "report.txt"}, set()),
        (["-oreport.txt"], [], {"--output": "report.txt"}, set()),
        (["--output=a", "-o", "b"], [], {"--output": "b"}, set()),  # the last, as click
        (
            ["--cache-dir", "c", "--no-cache", "--strict"],
            [],
            {"--cache-dir": "c"},
            {"--no-cache", "--strict"},
        ),
        (["--rev", "HEAD~1", "d"], ["d"], {"--rev": "HEAD~1"}, set()),
        (["--changed-since=main"], [], {"--changed-since": "main"}, set()),
        (["--", "--strict", "-o"], ["--strict", "-o"], {}, set()),
        (["-", "x"], ["-", "x"], {}, set()),
    ],
)
def test_the_arguments_are_read_as_click_reads_them(arguments, paths, values, flags):
    read = read_check_arguments(arguments)
    assert read is not None
    assert (read.paths, read.values, read.flags) == (paths, values, flags)
    context = cli.commands["check"].make_context("check", list(arguments))
    assert list(context.params["paths"]) == paths
    by_option = {"--output": "output", "--format": "output_format", "--cache-dir": "cache_dir"}
    for option, value in values.items():
        name = by_option.get(option, option[2:].replace("-", "_"))
        assert context.params["revision" if option == "--rev" else name] == value


@pytest.mark.parametrize(
    "arguments", [["--help"], ["--format"], ["-o"], ["--bogus"], ["--cache-dir"], ["-x"]]
)
def test_arguments_click_would_not_take_as_they_are_are_given_up_on(arguments):
    assert read_check_arguments(arguments) is None


def test_the_options_known_are_the_check_command_s():
    options = [p for p in cli.commands["check"].params if p.param_type_name == "option"]
    assert {o for p in options if p.is_flag for o in p.opts} == set(FLAGS)
    assert {o for p in options if not p.is_flag for o in p.opts if o.startswith("--")} == set(
        VALUED
    )
    assert {o for p in options if not p.is_flag for o in p.opts if not o.startswith("--")} == set(
        SHORT
    )
    assert read_check_arguments(["--rev", "x"]).reads_history
    assert read_check_arguments(["--changed-since", "x"]).reads_history
    assert not read_check_arguments(["x"]).reads_history
