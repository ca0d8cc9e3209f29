"""The grading kernels' clients: capped messages, no reconnecting to a sandbox, ready when the kernel answers."""
import asyncio

import nbformat
import pytest
import zmq
from nbclient import NotebookClient

from autograder.kernels import MAX_MESSAGE_BYTES, GradingKernelManager
from autograder.sandbox import SandboxKernelManager

DAY_MS = 24 * 3600 * 1000


@pytest.mark.parametrize("manager", [GradingKernelManager, SandboxKernelManager])
def test_the_manager_makes_the_capped_client(manager):
    options = manager().client().context.sockopts
    assert options.get(zmq.MAXMSGSIZE) == MAX_MESSAGE_BYTES, "the kernel's client does not cap its messages"
    assert options.get(zmq.LINGER) == 0


def test_only_the_sandbox_client_never_reconnects():
    assert SandboxKernelManager().client().context.sockopts.get(zmq.RECONNECT_IVL, 0) >= DAY_MS, \
        "the sandbox's client would reconnect to a socket file the student's code replaced"
    assert zmq.RECONNECT_IVL not in GradingKernelManager().client().context.sockopts


def test_a_kernel_is_ready_and_its_first_cell_gets_only_its_own_outputs():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('first')"), nbformat.v4.new_code_cell("1 + 1")])
    NotebookClient(nb, kernel_manager_class=GradingKernelManager, kernel_name="python3", timeout=60).execute()
    assert [o.get("text") for o in nb.cells[0].outputs] == ["first\n"]
    assert nb.cells[1].outputs[0]["data"]["text/plain"] == "2"


def test_waiting_for_a_dead_kernel_raises():
    async def wait_on_a_killed_kernel():
        km = GradingKernelManager(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await km._async_kill_kernel()
            await kc.wait_for_ready(timeout=10)
        finally:
            kc.stop_channels()
            await km._async_cleanup_resources()

    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(wait_on_a_killed_kernel())
