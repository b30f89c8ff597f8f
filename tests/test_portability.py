"""The suite's promise: what nbval compares is the same on every machine and for every seed.

* The repository root's ``conftest.py`` tells nbval to leave measured values (``text/html``) and
  ``stderr`` out of the comparison, and it must reach the notebooks in ``chapters/`` (a conftest in
  ``tests/`` does not: that was a bug). A miniature book checks this end to end.
* The test command re-executes the chapters with a seed other than the stored outputs' and with
  TensorFlow's oneDNN switched the other way, so it cannot pass by replaying the stored run.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

pytest_plugins = ["pytester"]


def load_tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def miniature_notebook(stored_stdout: str, stored_html: str) -> nbformat.NotebookNode:
    """A notebook whose one cell prints a stable line and shows a random number as HTML."""
    cell = nbformat.v4.new_code_cell(
        "import random\n"
        "from IPython.display import HTML, display\n"
        "print('stable line')\n"
        "display(HTML(f'<b>{random.random()}</b>'))"
    )
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=stored_stdout),
        nbformat.v4.new_output("display_data", data={"text/html": stored_html,
                                                     "text/plain": "<IPython.core.display.HTML object>"}),
    ]
    cell.execution_count = 1
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def run_miniature_book(pytester, stored_stdout: str, with_root_conftest: bool = True):
    """The book's layout in miniature: root conftest, tests/, chapters/one.ipynb; run nbval on it."""
    if with_root_conftest:
        shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    (pytester.path / "tests").mkdir()
    (pytester.path / "chapters").mkdir()
    nbformat.write(miniature_notebook(stored_stdout, "<b>0.5</b>"), pytester.path / "chapters" / "one.ipynb")
    return pytester.runpytest_subprocess("--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                                         "chapters")


def test_measured_html_is_not_compared_in_chapters(pytester):
    result = run_miniature_book(pytester, "stable line\n")
    result.assert_outcomes(passed=1)


def test_stdout_is_compared_in_chapters(pytester):
    result = run_miniature_book(pytester, "a different line\n")
    result.assert_outcomes(failed=1)


def test_without_the_root_conftest_the_html_would_be_compared(pytester):
    """The check above is not vacuous: nbval on its own compares the HTML and fails."""
    result = run_miniature_book(pytester, "stable line\n", with_root_conftest=False)
    result.assert_outcomes(failed=1)


def test_every_chapter_records_how_its_outputs_were_made():
    settings = set()
    for notebook in NOTEBOOKS:
        book = json.loads(notebook.read_text())["metadata"].get("book")
        assert book and {"seed", "onednn"} <= set(book), f"{notebook.name}: re-execute it with tasks.py"
        settings.add((book["seed"], book["onednn"]))
    assert len(settings) == 1, f"chapters stored with different settings: {settings}"


def test_the_test_command_uses_another_seed_and_float_path(monkeypatch):
    monkeypatch.delenv("BOOK_SEED", raising=False)
    tasks = load_tasks()
    seed, onednn = tasks.stored_run()
    env = tasks.nbval_environment()
    assert int(env["BOOK_SEED"]) != seed
    assert env["TF_ENABLE_ONEDNN_OPTS"] != onednn and env["TF_ENABLE_ONEDNN_OPTS"] in ("0", "1")


def test_the_test_command_refuses_the_stored_seed(monkeypatch):
    tasks = load_tasks()
    monkeypatch.setenv("BOOK_SEED", str(tasks.stored_run()[0]))
    with pytest.raises(SystemExit, match="stored with"):
        tasks.nbval_environment()


def test_a_kernel_that_does_not_answer_is_replaced():
    import nbval.kernel

    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    assert hasattr(nbval.kernel.start_new_kernel, "__wrapped__")  # installed by the root conftest
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return "kernel"

    assert conftest._retry_kernel_start(flaky)() == "kernel" and len(calls) == 3
    calls.clear()

    def dead(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        conftest._retry_kernel_start(dead, attempts=2)()
    assert len(calls) == 2
