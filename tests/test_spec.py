"""The solution notebooks define the graded API of ../shared/COURSE_SPEC.md exactly.

The spec runs ahead of the course: it names graded parts that open issues ask for. Those are
listed in PENDING with their issue; any other name the checker reports, and any mismatch, fails.
A pending name that is now defined fails too, so that the list only ever shrinks.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECKER = REPO.parent / "shared" / "tools" / "check_spec.py"
PENDING = {  # graded name -> the issue that builds it
}
NOT_DEFINED = re.compile(r"^\w+: (\w+)\(.*\) is not defined in solutions/", re.M)


@pytest.mark.skipif(not CHECKER.is_file(), reason="../shared/tools/check_spec.py is not beside this checkout")
def test_graded_api_matches_course_spec():
    run = subprocess.run([sys.executable, str(CHECKER)], cwd=REPO, capture_output=True, text=True)
    assert "functions match" in run.stdout, run.stdout + run.stderr
    missing = set(NOT_DEFINED.findall(run.stdout))
    problems = [line for line in run.stdout.splitlines()
                if line.strip() and "functions match" not in line and not NOT_DEFINED.match(line)]
    assert not problems, "\n".join(problems)
    assert missing <= set(PENDING), f"graded names not defined and not pending: {sorted(missing - set(PENDING))}"
    done = set(PENDING) - missing
    assert not done, f"now defined, remove from PENDING: {sorted(done)}"
    if not missing:
        assert run.returncode == 0, run.stdout + run.stderr
