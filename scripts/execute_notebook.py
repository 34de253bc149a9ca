"""Execute a notebook in a fresh kernel and measure the kernel's peak memory.

``python -m scripts.execute_notebook book/vgg.ipynb [--python PATH]`` prints ``peak_kernel_mib=N``. The
benchmark and the tests use :func:`execute`. The peak is the kernel process's own high-water mark of resident
memory (``ru_maxrss``), read in that kernel after the last cell: what a Binder session's memory limit sees of it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec
from nbclient import NotebookClient

# A chapter's kernel may use at most 1.5 GB (10^9 bytes, as Kubernetes' "G"): Binder gives a session 2 GB for
# the Jupyter server and the kernel together.
KERNEL_BUDGET_MIB = 1.5e9 / 2**20

_PEAK = "import resource as _r; print('peak_kernel_kib=%d' % _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"


def execute(
    path: Path, python: str | None = None, timeout: int = 600, run_skipped: bool = False
) -> tuple[nbformat.NotebookNode, float]:
    """Run every cell of ``path`` (a fresh kernel from ``python``, default this interpreter's); returns the
    executed notebook (the probe cell removed) and the kernel's peak resident memory in MiB.
    ``run_skipped`` runs the ``skip-execution`` cells too (the live widgets), as a student running all does.
    Raises ``nbclient.exceptions.CellExecutionError`` on the first failing cell."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(_PEAK))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    if run_skipped:
        client.skip_cells_with_tag = "run-every-cell"  # a tag no cell has
    if python is not None:  # absolute: the kernel starts in the notebook's folder
        client.kernel_manager_class = _manager_for(str(Path(python).absolute()) if "/" in python else python)
    client.execute()
    probe = notebook.cells.pop()
    (line,) = [o["text"] for o in probe.outputs if o.get("name") == "stdout"]
    return notebook, int(line.strip().split("=")[1]) / 1024


def _manager_for(python: str) -> type:
    """A kernel manager that starts ipykernel from another environment's interpreter."""
    from jupyter_client.manager import AsyncKernelManager

    class Manager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            return KernelSpec(argv=argv, display_name="python3", language="python")

    return Manager


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--python", help="interpreter of the kernel (default: this one)")
    args = parser.parse_args()
    _, peak = execute(args.notebook, args.python)
    print(f"peak_kernel_mib={peak:.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
