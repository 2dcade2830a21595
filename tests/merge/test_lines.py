"""Three versions of a text combined with git's conflict markers around each
place they differ (ohw.merge.lines)."""

from __future__ import annotations

from ohw.merge.lines import Labels, with_markers


def test_line_merge_marks_only_the_lines_both_changed():
    text, conflicted = with_markers("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nc\nD\n", Labels())
    assert (text, conflicted) == ("a\nB\nc\nD\n", False)
    text, conflicted = with_markers(
        "a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n", Labels("main", "base", "fork")
    )
    assert conflicted
    assert text == "a\n<<<<<<< main\nX\n||||||| base\nb\n=======\nY\n>>>>>>> fork\nc\n"
