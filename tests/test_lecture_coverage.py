"""The coverage table of the lectures (lectures/COVERAGE.md) points at sections that exist.

Each row names a topic of the lecture notes, the lecture that teaches it and the heading of the
section where it is taught; a heading renamed or deleted without updating the table fails here.
A topic still waiting for its section says "(not yet covered)" and is listed, not checked."""
import re
from pathlib import Path

import nbformat
import pytest

LECTURES = Path(__file__).resolve().parent.parent / "lectures"
TABLE = LECTURES / "COVERAGE.md"
NOT_YET = "(not yet covered)"
_ROW = re.compile(r"^\|\s*(\d+)\s*\|(.+?)\|\s*(\d\d)\s*\|(.+?)\|\s*$")


def rows():
    """[(number, topic, lecture number, heading)] of the table, in file order."""
    found = []
    for line in TABLE.read_text().splitlines():
        match = _ROW.match(line)
        if match:
            number, topic, lecture, heading = match.groups()
            found.append((int(number), topic.strip(), lecture, heading.strip().strip("`")))
    return found


def headings(lecture):
    """The headings of lecture ``lecture`` ("01" ...), without their leading #s."""
    (path,) = LECTURES.glob(f"{lecture}_*.ipynb")
    nb = nbformat.read(path, as_version=4)
    return {line.lstrip("#").strip() for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("#")}


def test_the_table_lists_every_topic_once_in_order():
    numbers = [number for number, *_ in rows()]
    assert numbers, f"no rows found in {TABLE.name}: rows look like | 12 | topic | 01 | heading |"
    assert numbers == list(range(1, len(numbers) + 1)), "topics are numbered 1, 2, ... without gaps or repeats"


@pytest.mark.parametrize("lecture", sorted({lecture for _, _, lecture, _ in rows()}))
def test_every_section_the_table_names_is_a_heading_of_its_lecture(lecture):
    present = headings(lecture)
    missing = [f"{number} {topic!r}: no heading {heading!r}" for number, topic, lec, heading in rows()
               if lec == lecture and heading != NOT_YET and heading not in present]
    assert not missing, f"lecture {lecture}:\n" + "\n".join(missing)
