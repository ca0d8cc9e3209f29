"""The answer-key check (tests/test_answer_key.py) of the PyTorch units, in a file of its own so
that the suite's two workers share the check."""
import pytest

from test_answer_key import TORCH_UNITS, check_unit

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("unit", TORCH_UNITS)
def test_no_readable_callable_earns_a_point(unit, tmp_path):
    check_unit(unit, tmp_path)
