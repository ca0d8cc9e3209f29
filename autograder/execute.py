"""nbgrader's Execute step with the tests outside the student's kernel, and outputs capped as they arrive.

:class:`BoundaryExecute` runs the notebook cell by cell as nbgrader does, except each graded test
cell: there the kernel runs only the channel's serve loop (:mod:`autograder.channel.kernel`)
while the grader runs the cell's whole source, visible and hidden tests, in its own process
(:mod:`autograder.trusted`). The cell's outputs are then written by the grader: what the tests
printed, what the student's code printed meanwhile (plain text), and the verdict, an error
output when the test failed. nbgrader's SaveAutoGrades scores the cell from these outputs as
usual, so points, grade ids and the gradebook keep nbgrader's model.

Every output the kernel sends is checked as it arrives (:class:`OutputBudget`): only plain text
and PNG/JPEG images are kept, each cell's text is capped in bytes, the notebook as a whole too,
and errors are cut, never dropped. Widgets and display updates are ignored.
"""
import asyncio
import base64
import binascii
import concurrent.futures
import os
import queue
import threading
import time
import uuid
from pathlib import Path

import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient.client import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbclient.output_widget import OutputWidget  # noqa: F401 (nbclient imports it lazily otherwise)
from nbformat.v4 import output_from_msg
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

from autograder.channel.kernel import serve_code
from autograder.reference import imported_packages, reference_units
from autograder.trusted import GradingPlan, TrustedRunner, Verdict

ALLOWED_MIME = ("text/plain", "image/png", "image/jpeg")


class OutputBudget:
    """What of a notebook's outputs is kept: sanitised, and capped per cell and in total (bytes)."""

    def __init__(self, cell_bytes, notebook_bytes, image_bytes, errors_per_cell=10):
        self.cell_bytes, self.notebook_bytes, self.image_bytes = cell_bytes, notebook_bytes, image_bytes
        self.errors_per_cell = errors_per_cell
        self.used, self.total, self.errors, self.cut = {}, 0, {}, set()

    def room(self, index):
        return max(0, min(self.cell_bytes - self.used.get(index, 0), self.notebook_bytes - self.total))

    def _spend(self, index, n):
        self.used[index] = self.used.get(index, 0) + n
        self.total += n

    def admit(self, out, index):
        """The output to keep for cell ``index`` (sanitised, maybe cut), or None to drop it."""
        kind = out.get("output_type")
        if kind == "stream":
            out.name = out.get("name") if out.get("name") in ("stdout", "stderr") else "stdout"
            out.text = self.take_text(str(out.get("text", "")), index)
            return out if out.text else None
        if kind == "error":
            return self.admit_error(out, index)
        if kind in ("display_data", "execute_result"):
            return self._admit_data(out, index)
        self.cut.add(index)
        return None

    def take_text(self, text, index):
        raw = text.encode("utf-8", "replace")
        room = self.room(index)
        if len(raw) > room:
            self.cut.add(index)
            raw = raw[:room]
        self._spend(index, len(raw))
        return raw.decode("utf-8", "ignore")

    def admit_error(self, out, index):
        self.errors[index] = self.errors.get(index, 0) + 1
        if self.errors[index] > self.errors_per_cell:
            self.cut.add(index)
            return None
        out.ename = _cut(str(out.get("ename", "Error")), 200)
        out.evalue = _cut(str(out.get("evalue", "")), 2_000)
        out.traceback = [_cut(str(line), 2_000) for line in list(out.get("traceback") or [])[-30:]]
        self._spend(index, len(out.evalue) + sum(len(line) for line in out.traceback))
        return out

    def _admit_data(self, out, index):
        data = out.get("data") or {}
        kept = {}
        for mime in ALLOWED_MIME:
            value = data.get(mime)
            if isinstance(value, list):
                value = "".join(map(str, value))
            if not isinstance(value, str):
                continue
            if mime == "text/plain":
                text = self.take_text(value, index)
                if text:
                    kept[mime] = text
            elif _is_base64(value) and len(value) <= self.image_bytes and self.total + len(value) <= self.notebook_bytes:
                kept[mime] = value
                self.total += len(value)
            else:
                self.cut.add(index)
        if set(data) - set(ALLOWED_MIME):
            self.cut.add(index)
        if not kept:
            return None
        out.data = kept
        meta = out.get("metadata") or {}
        out.metadata = {m: {k: v for k, v in meta.get(m, {}).items() if k in ("width", "height") and type(v) in (int, float)}
                        for m in kept if isinstance(meta.get(m), dict)}
        return out

    def marker(self, index):
        """The note that ends a cell whose output was cut."""
        limit = self.cell_bytes if self.used.get(index, 0) >= self.cell_bytes else self.notebook_bytes
        return nbformat.v4.new_output("stream", name="stdout", text=f"\n[output cut: over the limit of {limit} bytes, or of a kind the feedback does not show]\n")


def _cut(text, n):
    return text if len(text) <= n else text[:n] + " [...]"


def _is_base64(value):
    try:
        base64.b64decode(value.replace("\n", ""), validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


# seconds of the last notebook this process executed: "kernel_start" (until the first cell may
# run) and "cells" (from then to the end); read by autograder.hardened for the row's steps
TIMINGS = {}


class BoundaryExecute(Execute):
    """nbgrader's ``Execute`` with the graded tests run by the grader (see the module's docstring)."""

    tests_in_kernel = Bool(False, help="Run the test cells inside the student's kernel, as plain nbgrader does "
                                       "(only to compare; the student's code can then change its own verdicts)").tag(config=True)
    max_cell_output_bytes = Integer(20_000, help="Text kept of one cell's outputs, in bytes (UTF-8)").tag(config=True)
    max_notebook_output_bytes = Integer(2_000_000, help="Outputs kept of a whole notebook, in bytes, images included").tag(config=True)
    max_image_bytes = Integer(300_000, help="Largest image kept in an output, in bytes of base64").tag(config=True)
    serve_grace_seconds = Integer(15, help="How long the kernel may take to stop serving after a test cell ends").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self.budget = OutputBudget(self.max_cell_output_bytes, self.max_notebook_output_bytes, self.max_image_bytes)
        source = self._source_path(resources)
        self.plan = None if self.tests_in_kernel else _plan_of(source)
        self.reference_units, self.kernel_packages = _kernel_imports_of(source, tests_too=self.tests_in_kernel)
        self.runner = None
        self._tests_thread = TestsThread()
        self._started = time.perf_counter()
        TIMINGS.clear()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._tests_thread.shutdown()
            if "kernel_start" in TIMINGS:
                TIMINGS["cells"] = time.perf_counter() - self._started - TIMINGS["kernel_start"]

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if hasattr(km, "reference_units"):  # the sandbox shows the kernel only these reference modules and frameworks
            km.reference_units = list(self.reference_units)
            km.kernel_packages = list(self.kernel_packages)
        return km

    def _source_path(self, resources):
        """The instructor's notebook (with the hidden tests) that this submission answers."""
        info = (resources or {}).get("nbgrader", {})
        course = self.config.CourseDirectory
        return Path(course.root) / course.source_directory / info["assignment"] / f"{info['notebook']}.ipynb"

    def preprocess_cell(self, cell, resources, index):
        self._check_assign_resources(resources)
        TIMINGS.setdefault("kernel_start", time.perf_counter() - self._started)
        role = self.plan.role(cell) if self.plan is not None else None
        if role is not None and role.kind == "test":
            run_sync(self._run_trusted)(cell, index, role)
        else:
            cell = self.execute_cell(cell, index, store_history=True)
            if role is not None and role.kind == "answer":
                self._trusted().bind_answer(role)
            elif role is not None and role.kind == "fixture":
                verdict = run_sync(self._run_fixture)(index, role)
                if not verdict.passed:
                    cell.outputs.append(nbformat.v4.new_output(
                        "stream", name="stdout", text=f"[grader] this cell failed where the tests run: {verdict.ename}: {verdict.evalue}\n"))
        if index in self.budget.cut:
            cell.outputs.append(self.budget.marker(index))
        return cell, self.resources

    def _trusted(self):
        if self.runner is None:
            self.runner = TrustedRunner(self.plan, self.km.channel_socket)
        return self.runner

    async def _run_fixture(self, index, role):
        if role.calls_kernel:
            verdict, _ = await self._alongside_kernel(index, role)
            return verdict
        deadline = time.monotonic() + (self.timeout or 300)
        return await asyncio.get_running_loop().run_in_executor(self._tests_thread, self._trusted().run, role, lambda: False, deadline)

    async def _run_trusted(self, cell, index, role):
        verdict, kernel_text = await self._alongside_kernel(index, role)
        cell.outputs = self._verdict_outputs(verdict, kernel_text, index)
        cell.execution_count = None

    async def _alongside_kernel(self, index, role):
        """Run ``role`` in the tests' process while the kernel serves it; (verdict, kernel's text)."""
        runner, original = self._trusted(), self.nb.cells[index]
        session = uuid.uuid4().hex
        serve_cell = nbformat.v4.new_code_cell(serve_code(session))
        serving = asyncio.ensure_future(NotebookClient.async_execute_cell(self, serve_cell, index, store_history=False))
        limit = (self.timeout or 300) + 10
        deadline = time.monotonic() + limit
        tests = asyncio.get_running_loop().run_in_executor(self._tests_thread, runner.run, role, serving.done, deadline, session)
        try:
            verdict = await asyncio.wait_for(asyncio.shield(tests), timeout=limit + 10)
        except asyncio.TimeoutError:
            verdict = Verdict(False, ename="GradingError", evalue="the test did not finish within the time limit")
        dead = await self._stop_serving(serving)
        self.nb.cells[index] = original  # nbclient put the serve cell in its place
        if dead is not None:
            raise dead
        return verdict, _plain_text(serve_cell.outputs)

    async def _stop_serving(self, serving):
        """Wait for the kernel's serve cell to end (interrupting it if it lingers); the kernel's death, if it died."""
        for attempt in range(2):
            try:
                await asyncio.wait_for(asyncio.shield(serving), timeout=self.serve_grace_seconds)
                return None
            except DeadKernelError as exc:
                return exc
            except asyncio.TimeoutError:
                if attempt == 0:
                    await ensure_async(self.km.interrupt_kernel())
            except Exception:  # noqa: BLE001 (a cell timeout or error in the serve cell: the verdict stands)
                return None
        serving.cancel()
        return DeadKernelError("the kernel stopped answering after a test cell")

    def _verdict_outputs(self, verdict, kernel_text, index):
        budget, outs = self.budget, []
        if verdict.printed:
            outs.append(nbformat.v4.new_output("stream", name="stdout", text=budget.take_text(verdict.printed, index)))
        if kernel_text:  # already within the cell's budget: it arrived through output()
            outs.append(nbformat.v4.new_output("stream", name="stdout", text="[printed by your code]\n" + kernel_text))
        if not verdict.passed:
            if verdict.student_traceback:
                outs.append(nbformat.v4.new_output("stream", name="stdout", text="[where your code raised it]\n" +
                                                   budget.take_text(verdict.student_traceback, index)))
            error = nbformat.v4.new_output("error", ename=verdict.ename, evalue=verdict.evalue,
                                           traceback=[f"{verdict.ename}: {verdict.evalue}"])
            outs.append(budget.admit_error(error, index) or error)
        elif verdict.score is not None:
            outs.append(nbformat.v4.new_output("execute_result", data={"text/plain": repr(verdict.score)}, execution_count=None))
        return [o for o in outs if o.get("output_type") != "stream" or o.get("text")]

    # --- outputs as they arrive -------------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        try:
            out = output_from_msg(msg)
        except ValueError:
            return None
        if self.clear_before_next_output:
            outs[:] = []
            self.clear_before_next_output = False
        out = self.budget.admit(out, cell_index)
        if out is not None:
            outs.append(out)
        return out

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widgets are not part of the feedback: their messages are ignored."""

    def _update_display_id(self, display_id, msg):
        """Display updates could rewrite another cell's output (a test's): ignored."""


_PLANS = {}  # (path, size, mtime) -> GradingPlan: a grading process reads each source notebook once
_IMPORTS = {}  # (path, size, mtime, tests_too) -> what _kernel_imports_of returns


def _plan_of(path):
    """The grading plan of the source notebook at ``path`` (read again whenever the file changes)."""
    info = os.stat(path)
    key = (str(path), info.st_size, info.st_mtime_ns)
    if key not in _PLANS:
        if len(_PLANS) >= 16:  # notebooks edited while a long-lived process grades
            _PLANS.clear()
        _PLANS[key] = GradingPlan.from_source(nbformat.read(path, as_version=4))
    return _PLANS[key]


def _kernel_imports_of(path, tests_too=False):
    """(units whose reference code, packages that) the kernel-side cells of the source notebook at
    ``path`` import; ``tests_too`` when the test cells run in the kernel as well."""
    info = os.stat(path)
    key = (str(path), info.st_size, info.st_mtime_ns, tests_too)
    if key not in _IMPORTS:
        _IMPORTS.clear()
        nb = nbformat.read(path, as_version=4)
        _IMPORTS[key] = (reference_units(nb, kernel_only=not tests_too), imported_packages(nb, kernel_only=not tests_too))
    return _IMPORTS[key]


class TestsThread:
    """Runs the test cells one after another on a daemon thread (an executor for ``run_in_executor``).

    Daemon, unlike a ``ThreadPoolExecutor``'s worker, which the interpreter joins at exit: a test
    still waiting when its time ran out must never keep the grading process from ending.
    """

    def __init__(self):
        self._jobs = queue.SimpleQueue()
        threading.Thread(target=self._work, name="lmcourse-tests", daemon=True).start()

    def submit(self, fn, *args):
        future = concurrent.futures.Future()
        self._jobs.put((future, fn, args))
        return future

    def shutdown(self):
        self._jobs.put(None)

    def _work(self):
        while (job := self._jobs.get()) is not None:
            future, fn, args = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # noqa: B902 (handed to the awaiting cell, as an executor does)
                    future.set_exception(exc)


def _plain_text(outputs):
    """What a cell showed, as text: streams, the plain text of displays, and errors."""
    parts = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out.get("text", ""))
        elif kind in ("display_data", "execute_result"):
            parts.append(str(out.get("data", {}).get("text/plain", "[an image]")) + "\n")
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}\n")
    return "".join(parts)
