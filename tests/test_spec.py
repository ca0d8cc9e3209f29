"""The solution notebooks define the graded API of ../shared/COURSE_SPEC.md exactly."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECKER = REPO.parent / "shared" / "tools" / "check_spec.py"


@pytest.mark.skipif(not CHECKER.is_file(), reason="../shared/tools/check_spec.py is not beside this checkout")
def test_graded_api_matches_course_spec():
    run = subprocess.run([sys.executable, str(CHECKER)], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "functions match" in run.stdout
