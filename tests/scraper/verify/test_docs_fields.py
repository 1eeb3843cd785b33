"""docs/record.md lists the fields verify compares and the ones it skips, with the code's reasons."""

from __future__ import annotations

from pathlib import Path

from scraper.verify.compare import COMPARED, SKIPPED

DOC = (Path(__file__).resolve().parents[3] / "docs" / "record.md").read_text(encoding="utf-8")


def test_docs_name_every_compared_and_skipped_field() -> None:
    section = DOC.split("### Verified against the API", 1)[1]
    compared = section.split("Compared, where", 1)[1].split("Not compared", 1)[0]
    assert all(f"`{name}`" in compared for name in COMPARED)
    skipped = section.split("Not compared", 1)[1]
    for fields, why in SKIPPED.items():
        row = next(line for line in skipped.splitlines() if line.startswith("| `" + fields.split(", ")[0] + "`"))
        assert all(f"`{f}`" in row for f in fields.split(", "))
        assert why.replace('\\"', '"').split(";")[0][:30] in row.replace("`", "")
