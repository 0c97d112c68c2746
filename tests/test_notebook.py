"""notebooks/quickstart.ipynb: committed without outputs, and runs offline against a freshly built seed."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from syria_news_ar import paths

NOTEBOOK = paths.ROOT / "notebooks" / "quickstart.ipynb"


def test_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "SYRIA_NEWS_AR_DATASET" in code[0].source and "../dataset" in code[0].source


def test_runs_offline_against_the_seed(seed_build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, result = seed_build
    monkeypatch.setenv("SYRIA_NEWS_AR_DATASET", str(out))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    # "python3" must run this venv's interpreter: jupyter_client maps a spec's "python" to sys.executable
    argv = KernelSpecManager().get_kernel_spec("python3").argv
    assert argv[0] in {"python", "python3", sys.executable}, argv
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # stdout as printed: the kernel may send it in several chunks, with stderr (a library's warning)
    # between them, so the chunks are joined as they are, not one per line
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stdout")
    sizes = result["split"]["sizes"]
    for config in paths.CONFIGS:
        expected = {s: n for s, n in sizes[config].items()}
        assert f"{config} {expected}" in text
    html = "\n".join(o["data"].get("text/html", "") for o in outputs if o.output_type == "execute_result")
    assert "<table" in html  # the split table and record tables rendered
    assert any("image/png" in o.get("data", {}) for o in outputs if o.output_type == "display_data")
