"""Unit tests of the word-level diff used for long text."""

from __future__ import annotations

from snapshots.worddiff import clip, word_diff


def ops(old: str, new: str) -> list[tuple[str, str]]:
    return [(s.op, s.text) for s in word_diff(old, new)]


def test_replaced_phrase_reads_as_one_deletion_and_one_insertion() -> None:
    assert ops(
        "Kaupunki rakentaa uuden pyörätien vuonna 2020.",
        "Kaupunki rakentaa kaksi uutta pyörätietä vuonna 2022.",
    ) == [
        ("equal", "Kaupunki rakentaa "),
        ("delete", "uuden pyörätien"),
        ("insert", "kaksi uutta pyörätietä"),
        ("equal", " vuonna "),
        ("delete", "2020"),
        ("insert", "2022"),
        ("equal", "."),
    ]


def test_rewrapped_text_has_no_edit() -> None:
    assert ops("yksi  kaksi\u00a0kolme", "yksi kaksi kolme") == [("equal", "yksi kaksi kolme")]


def test_appended_paragraph() -> None:
    assert ops("Eka.", "Eka.\n\nToka.") == [("equal", "Eka."), ("insert", "\n\nToka.")]


def test_none_sides() -> None:
    assert ops("", "uusi teksti") == [("insert", "uusi teksti")]
    assert ops("vanha", "") == [("delete", "vanha")]


def test_clip_elides_long_unchanged_runs() -> None:
    words = [f"w{i}" for i in range(60)]
    changed = list(words)
    changed[30] = "X"
    clipped = clip(word_diff(" ".join(words), " ".join(changed)), context=3)
    text = "".join(s.text for s in clipped)
    assert text.startswith("… w27 w28 w29 ")
    assert text.endswith(" w31 w32 w33 …")
    assert [s.op for s in clipped] == ["equal", "delete", "insert", "equal"]
