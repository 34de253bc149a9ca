"""The ``cnnviz`` command: a thin shell over cnnviz.analysis and cnnviz.render.

    cnnviz list [--family FAMILY] [--dataset DATASET] [--format text|json]
    cnnviz table NAME [--input C,H,W] [--param KEY=VALUE ...] [--format text|md|csv|json|lecture] [--depth N]
    cnnviz rf NAME [--input C,H,W] [--param KEY=VALUE ...] [--format text|json]
    cnnviz erf NAME --layer LAYER [--input C,H,W] [--param KEY=VALUE ...] [-o FILE.png]
    cnnviz diagram NAME [--level network|block|layer] [--param KEY=VALUE ...] [-o FILE.svg|FILE.dot]
    cnnviz claims [--format text|json]
    cnnviz assignment CHAPTER... -o DIR [--variant N] [--rubrics DIR]

Bad arguments (unknown model, bad --input or --param, unknown layer, too small an input) print one line
on stderr and exit with status 2; nothing prints a traceback for them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import cnnviz
from cnnviz.experiments.__main__ import add_degradation_arguments, run_degradation
from cnnviz.format import chw
from cnnviz.render.diagrams import GraphvizNotFoundError

EXIT_USAGE = 2


class UsageError(Exception):
    """A bad argument: reported on one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


# --- argument parsing helpers ---------------------------------------------------------------------


def parse_input(text: str) -> tuple[int, int, int]:
    """``"3,224,224"`` -> ``(3, 224, 224)``."""
    parts = text.replace("x", ",").split(",")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) <= 0:
        raise UsageError(f"--input must be C,H,W with three positive integers, e.g. 3,224,224; got {text!r}")
    return values  # type: ignore[return-value]


def parse_value(text: str) -> Any:
    """An int, float, bool (true/false), None (none), a tuple (comma-separated) or else the string."""
    if "," in text:
        return tuple(parse_value(part) for part in text.split(",") if part)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_params(items: Sequence[str] | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.isidentifier():
            raise UsageError(f"--param must be KEY=VALUE with KEY a Python name, e.g. depth=20; got {item!r}")
        params[key] = parse_value(value)
    return params


def _one_line(error: BaseException) -> str:
    text = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
    return " ".join(str(text).split())


# --- subcommands ----------------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace) -> str:
    from cnnviz import models

    names = models.names(family=args.family, dataset=args.dataset)  # ValueError listing the valid ones
    if args.format == "json":
        return json.dumps(names, indent=2) + "\n"
    cells = [["Name", "Family", "Input", "Dataset"]]
    for name in names:
        info = models.info(name)
        cells.append([name, info.family, chw(info.input_size), info.dataset])
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = ("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)
    return "\n".join(lines) + "\n"


def _cmd_table(args: argparse.Namespace) -> str:
    from cnnviz.analysis.ledger import ledger
    from cnnviz.render import tables

    if args.depth is not None and args.depth < 1:
        raise UsageError(f"--depth must be an integer >= 1, got {args.depth}")
    led = ledger(args.name, args.input, **args.params)
    if args.format == "lecture":
        from cnnviz import models

        style = "alexnet" if models.info(args.name).family in ("AlexNet", "ZFNet") else "vgg"
        return tables.lecture_table(led, style)
    render = {
        "text": tables.text_table,
        "md": tables.markdown_table,
        "csv": tables.csv_table,
        "json": tables.json_table,
    }[args.format]
    return render(led, args.depth)


def _cmd_rf(args: argparse.Namespace) -> str:
    from cnnviz.analysis import receptive_field as rf
    from cnnviz.render import tables
    report = rf.receptive_field(args.name, args.input, **args.params)
    if args.format == "json":
        return json.dumps(tables.rf_to_dict(report), indent=2) + "\n"
    return tables.rf_text_table(report)


def _cmd_erf(args: argparse.Namespace) -> str:
    from cnnviz.analysis import erf
    result = erf.effective_receptive_field(args.name, args.layer, args.input, **args.params)
    summary = (
        f"{result.model} {result.layer}: theoretical RF {result.theoretical_rf}, ERF radius 1 s.d. "
        f"{result.radius_1sd:.1f} px, 95% mass {result.radius_95:.1f} px "
        f"({result.n_inputs} inputs, {result.n_inits} init(s), seed {result.seed})\n"
    )
    if args.output:
        if not args.output.lower().endswith(".png"):
            raise UsageError(f"-o must name a .png file, got {args.output!r}")
        from cnnviz.render.plots import plot_erf

        plot_erf(result).savefig(args.output, dpi=150)  # an object-API figure: nothing to close
        summary += f"wrote {args.output}\n"
    return summary


def _cmd_diagram(args: argparse.Namespace) -> str:
    from cnnviz.render import diagrams

    output = args.output
    if output and not output.lower().endswith((".svg", ".dot", ".gv")):
        raise UsageError(f"-o must name a .svg, .dot or .gv file, got {output!r}")
    graph = diagrams.network_diagram(args.name, level=args.level, **args.params)
    if not output:
        return graph.source
    if output.lower().endswith(".svg"):
        diagrams.save_svg(graph, output)  # says how to install Graphviz when `dot` is missing
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(graph.source)
    return f"wrote {output}\n"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def _cmd_claims(args: argparse.Namespace) -> str:
    from cnnviz.analysis.claims import check_all
    from cnnviz.render.claims import claims_table

    results = check_all()
    if args.format == "json":
        return json.dumps([{**_plain(c), "verdict": c.verdict} for c in results], indent=2) + "\n"
    return f"{claims_table(results)}\n"


# --- the parser -----------------------------------------------------------------------------------


def _cmd_assignment(args: argparse.Namespace) -> str:
    from pathlib import Path

    from cnnviz.interact.assignment import write_assignments

    written = write_assignments(args.chapters, Path(args.output), args.variant,
                                Path(args.rubrics) if args.rubrics else None)  # fmt: skip
    return "".join(f"wrote {path}\n" for path in written)


def _cmd_degradation(args: argparse.Namespace) -> int:
    """The experiment writes its logs and progress itself; its exit status is the command's."""
    return run_degradation(args, args.argv)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cnnviz", description="The classic CNN architectures, measured and drawn.")
    parser.add_argument("--version", action="version", version=f"cnnviz {cnnviz.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def model_command(name: str, help_text: str, formats: Sequence[str] | None) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("name", metavar="NAME", help="a model name (see `cnnviz list`)")
        p.add_argument("--input", type=str, default=None, metavar="C,H,W", help="input size, e.g. 3,224,224")
        p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="a model argument")
        if formats:
            p.add_argument("--format", choices=formats, default=formats[0])
        return p

    p = sub.add_parser("list", help="the registered models", description="The registered models.")
    p.add_argument("--family", default=None, metavar="FAMILY", help='only this family, e.g. "ResNet (CIFAR)"')
    p.add_argument("--dataset", default=None, metavar="DATASET", help="only this dataset: ImageNet or CIFAR-10")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=_cmd_list)

    table_formats = ("text", "md", "csv", "json", "lecture")
    p = model_command("table", "the layer ledger: shapes, activations, params, MACs", table_formats)
    p.add_argument("--depth", type=int, default=None, metavar="N", help="collapse to module depth N")
    p.set_defaults(run=_cmd_table)

    p = model_command("rf", "the receptive field of every layer", ("text", "json"))
    p.set_defaults(run=_cmd_rf)

    p = model_command("erf", "the effective receptive field of a layer", None)
    p.add_argument("--layer", required=True, metavar="LAYER", help="qualified layer name, e.g. layer3")
    p.add_argument("-o", "--output", default=None, metavar="FILE.png")
    p.set_defaults(run=_cmd_erf)

    p = model_command("diagram", "a network diagram (graphviz)", None)
    p.add_argument("--level", choices=("network", "block", "layer"), default="network")
    p.add_argument("-o", "--output", default=None, metavar="FILE.svg", help="SVG, or DOT source for .dot/.gv")
    p.set_defaults(run=_cmd_diagram)

    degradation_help = "train plain and residual CIFAR networks (He et al. 2016, Fig. 6) and write their logs"
    p = sub.add_parser("degradation", help=degradation_help, description=degradation_help)
    add_degradation_arguments(p)
    p.set_defaults(run=_cmd_degradation)

    claims_help = "check the lecture's numbers"
    p = sub.add_parser("claims", help=claims_help, description=claims_help)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=_cmd_claims)
    assignment_help = ("nbgrader source notebooks of chapters' exercises (answers withheld in the students' copy) "
                       "and a separate answer key, for instructors")  # fmt: skip
    p = sub.add_parser("assignment", help=assignment_help, description=assignment_help)
    p.add_argument("chapters", nargs="+", metavar="CHAPTER", help="chapters, e.g. alexnet vgg")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the nbgrader course directory to write")
    p.add_argument("--variant", type=int, default=1,
                   help="which variant of the computed questions to ask (0: the book's own; default 1)")
    p.add_argument("--rubrics", metavar="DIR", help="the rubrics directory (default: the checkout's instructors/rubrics)")
    p.set_defaults(run=_cmd_assignment)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)  # exits 2 on a bad argument, 0 on --help/--version
    args.argv = argv
    try:
        if getattr(args, "input", None) is not None:
            args.input = parse_input(args.input)
        if hasattr(args, "param"):
            args.params = parse_params(args.param)
        text = args.run(args)
    except (UsageError, KeyError, ValueError, FileNotFoundError) as error:
        print(f"cnnviz {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except NotImplementedError as error:  # e.g. a model the receptive-field tracer cannot follow
        print(f"cnnviz {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 1
    except GraphvizNotFoundError as error:  # `dot` is missing: say how to install it
        print(f"cnnviz {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 1
    if isinstance(text, int):  # a command that printed as it went: its exit status
        return text
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
