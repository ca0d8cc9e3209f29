"""Store notebooks clean: no execution counts, no stray metadata, outputs only where wanted.

    python -m autograder.nbclean [--keep-outputs] NOTEBOOK...

Solutions and exercises are stored without outputs and execution counts; lectures keep the
outputs they need (``--keep-outputs``), with execution counts renumbered 1, 2, ... in cell order
(nbval refuses stored outputs of a cell without a count, and the numbering never changes between
runs, so re-executing a lecture gives no spurious diff). Cell metadata other than nbgrader's, tags and
``deletable``/``editable`` is dropped, as is notebook metadata other than the kernel and language.
"""
import argparse
import sys

import nbformat

KEEP_CELL_METADATA = ("nbgrader", "tags", "deletable", "editable")
KEEP_NB_METADATA = ("kernelspec", "language_info")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def clean(nb, keep_outputs=False):
    """Return ``nb`` (a NotebookNode) cleaned in place."""
    nb.metadata = nbformat.from_dict(
        {k: v for k, v in nb.metadata.items() if k in KEEP_NB_METADATA}
    )
    nb.metadata["kernelspec"] = nbformat.from_dict(KERNELSPEC)
    if "language_info" in nb.metadata:
        nb.metadata["language_info"] = nbformat.from_dict({"name": "python"})
    count = 0
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        )
        cell.pop("id", None)
        if cell.cell_type == "code":
            if keep_outputs:
                count += 1
                cell.execution_count = count
                for out in cell.outputs:
                    if out.get("output_type") == "execute_result":
                        out["execution_count"] = count
            else:
                cell.execution_count = None
                cell.outputs = []
    nb.nbformat, nb.nbformat_minor = 4, 5
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    return nb


def clean_file(path, keep_outputs=False):
    nb = nbformat.read(path, as_version=4)
    clean(nb, keep_outputs)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep-outputs", action="store_true", help="keep cell outputs (lectures)")
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        clean_file(path, args.keep_outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
