"""The ``cnnviz`` command: a thin shell over cnnviz.analysis and cnnviz.render.

    cnnviz list [--family FAMILY] [--dataset DATASET] [--format text|json]
    cnnviz compare [--format text|markdown|csv|json] [--models NAME,...] [--no-timing] [--repeats N]
    cnnviz table NAME [--input C,H,W] [--param KEY=VALUE ...] [--format text|md|csv|json|lecture] [--depth N]
    cnnviz rf NAME [--input C,H,W] [--param KEY=VALUE ...] [--format text|json]
    cnnviz erf NAME --layer LAYER [--input C,H,W] [--param KEY=VALUE ...] [-o FILE.png]
    cnnviz diagram NAME [--level network|block|layer] [--param KEY=VALUE ...] [-o FILE.svg|FILE.dot]
    cnnviz claims [--format text|json]
    cnnviz assignment CHAPTER... -o DIR [--variant N] [--rubrics DIR]

NAME is a registry name (``cnnviz list``) or, for ``table``, ``rf`` and ``diagram``, a model of your own:
``path/to/file.py:ClassName``, a class whose constructor takes no arguments, with ``--input C,H,W``.

Bad arguments (unknown model, bad --input or --param, unknown layer, too small an input, a model file or
class that cannot be used) print one line on stderr and exit with status 2; nothing prints a traceback for
them.
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


def load_model_spec(spec: str) -> Any:
    """``"path/to/file.py:ClassName"`` -> an instance of that nn.Module class, built with no arguments.

    Clear errors for a missing file, a file that fails to import, a missing class (the nn.Module classes the
    file defines are listed), a class that is not an nn.Module, and a class that needs arguments.
    """
    return build_model_class(load_model_class(spec), spec)


def build_model_class(cls: Any, spec: str) -> Any:
    """``cls()``, its failure reported on one line naming ``spec``."""
    try:
        return cls()
    except Exception as error:  # the reader's constructor
        raise UsageError(f"{spec}() failed: {type(error).__name__}: {error}") from None


def load_model_class(spec: str) -> Any:
    """``"path/to/file.py:ClassName"`` -> that nn.Module class, checked to build with no arguments."""
    import importlib.util
    import inspect
    from pathlib import Path

    from torch import nn

    path_text, _, class_name = spec.rpartition(":")
    path = Path(path_text)
    if not path_text or not class_name or path.suffix != ".py":
        raise UsageError(f"a model file must be given as path/to/file.py:ClassName, got {spec!r}")
    if not path.is_file():
        raise UsageError(f"model file {path_text!r} does not exist")
    module_spec = importlib.util.spec_from_file_location(f"cnnviz_user_model_{abs(hash(path.resolve()))}", path)
    if module_spec is None or module_spec.loader is None:
        raise UsageError(f"cannot load {path_text!r} as a Python file")
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as error:  # the reader's file: any failure is reported on one line
        raise UsageError(f"importing {path_text!r} failed: {type(error).__name__}: {error}") from None
    found = sorted(
        name for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, nn.Module) and value.__module__ == module.__name__
    )  # fmt: skip
    cls = getattr(module, class_name, None)
    if cls is None:
        listed = ", ".join(found) if found else "none"
        raise UsageError(f"{path_text!r} has no class {class_name!r}; nn.Module classes in it: {listed}")
    if not (inspect.isclass(cls) and issubclass(cls, nn.Module)):
        raise UsageError(f"{path_text}:{class_name} is not an nn.Module class")
    required = [
        p.name for p in inspect.signature(cls).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]  # fmt: skip
    if required:
        raise UsageError(
            f"{path_text}:{class_name} needs arguments ({', '.join(required)}); the command builds it with "
            f"none: give them default values"
        )
    return cls


def _is_file_spec(name: str) -> bool:
    return ".py:" in name


def _model(args: argparse.Namespace) -> Any:
    """The model a command measures: a registry name as it is, a file spec as its built module."""
    if not _is_file_spec(args.name):
        return args.name
    if args.params:
        raise UsageError("--param applies to registry models only; set your class's defaults instead")
    if args.input is None:
        raise UsageError(f"--input C,H,W is required for a model from a file ({args.name}), e.g. --input 3,32,32")
    return load_model_spec(args.name)


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
    model = _model(args)
    led = ledger(model, args.input, **args.params)
    if args.format == "lecture":
        from cnnviz import models

        family = models.info(model).family if isinstance(model, str) else ""
        style = "alexnet" if family in ("AlexNet", "ZFNet") else "vgg"
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
    report = rf.receptive_field(_model(args), args.input, **args.params)
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
    graph = diagrams.network_diagram(_model(args), level=args.level, input_size=args.input, **args.params)
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


def _cmd_compare(args: argparse.Namespace) -> str:
    from cnnviz.analysis.compare import BOOK_NETWORKS, comparison
    from cnnviz.render.compare import render_comparison

    names = BOOK_NETWORKS
    if args.models:
        names = tuple(n.strip() for n in args.models.split(",") if n.strip())
        if not names:
            raise UsageError(f"--models must list registry names separated by commas, got {args.models!r}")
    if args.repeats < 1:
        raise UsageError(f"--repeats must be an integer >= 1, got {args.repeats}")
    comp = comparison(names, timed=not args.no_timing, repeats=args.repeats)
    return render_comparison(comp, args.format)


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


def _cmd_train(args: argparse.Namespace) -> str:
    """Train a registered CIFAR network or the reader's own class; write its log and print its final errors."""

    import torch

    from cnnviz.experiments.logs import portable_command, save_log
    from cnnviz.experiments.train import PRESETS, TrainConfig, train

    if args.threads is not None:
        if args.threads < 1:
            raise UsageError(f"--threads must be a positive integer, got {args.threads}")
        torch.set_num_threads(args.threads)
    if _is_file_spec(args.model):
        cls = load_model_class(args.model)
        name, builder = cls.__name__, lambda: build_model_class(cls, args.model)
    else:
        name, builder = args.model, None
    base = PRESETS[args.preset]
    iterations = args.iterations or base.iterations
    changes = {"seed": args.seed, "input_size": args.input_size, "iterations": iterations,
               "milestones": tuple(sorted({m for m in (iterations // 2, iterations * 3 // 4) if 0 < m < iterations})),
               "log_every": max(1, min(base.log_every, iterations)),
               "checkpoint_every": max(1, min(base.checkpoint_every, iterations))}
    config = TrainConfig(**{**base.__dict__, **changes})
    dataset = _training_data(args, config)
    command = portable_command("cnnviz", args.argv)
    log = train(name, dataset, config, device=args.device, progress=not args.no_progress, builder=builder,
                meta={"command": command, "preset": args.preset, "dataset": dataset.name, "jobs": 1})
    path = save_log(log, args.out)
    fit, test = log.series["train_eval_error"][-1], log.test_error[-1]
    return (f"{name}: training error {fit:.1%} (eval mode, {min(config.train_eval_size, len(dataset.y_train)):,} "
            f"training images), test error {test:.1%}, after {iterations:,} iterations\nlog: {path}\n")


def _training_data(args: argparse.Namespace, config: Any) -> Any:
    from cnnviz.experiments.data import load_cifar10, synthetic_shapes

    if args.dataset == "cifar10":
        if not args.cifar_dir:
            raise UsageError("--dataset cifar10 needs --cifar-dir DIR (the extracted cifar-10-batches-py folder)")
        return load_cifar10(args.cifar_dir)
    if args.cifar_dir:
        raise UsageError("--cifar-dir applies to --dataset cifar10 only")
    return synthetic_shapes(config.n_train or 50_000, config.n_test or 10_000, seed=0)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cnnviz", description="The classic CNN architectures, measured and drawn.")
    parser.add_argument("--version", action="version", version=f"cnnviz {cnnviz.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def model_command(name: str, help_text: str, formats: Sequence[str] | None) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("name", metavar="NAME",
                       help="a model name (see `cnnviz list`) or path/to/file.py:ClassName")
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

    compare_help = "the book's networks side by side: errors, parameters, multiply-adds, memory, depth, time"
    p = sub.add_parser("compare", help=compare_help, description=compare_help)
    p.add_argument("--format", choices=("text", "markdown", "csv", "json"), default="text")
    p.add_argument("--models", default=None, metavar="NAME,...", help="only these registry networks")
    p.add_argument("--no-timing", action="store_true", help="skip the CPU timing (the slow part)")
    p.add_argument("--repeats", type=int, default=1, metavar="N", help="timed runs per network (best kept)")
    p.set_defaults(run=_cmd_compare)

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

    train_help = ("train a CIFAR network of the zoo, or your own nn.Module class (path/to/file.py:Class), and "
                  "write its log in the book's format")
    p = sub.add_parser("train", help=train_help, description=train_help)
    p.add_argument("model", help="a registry name (e.g. plain20) or path/to/file.py:ClassName (10 logits out)")
    p.add_argument("--preset", choices=("cpu", "quick"), default="cpu",
                   help="the schedule (cpu: the book's CPU-scale run, the default; quick: a smoke test)")
    p.add_argument("--dataset", choices=("synthetic", "cifar10"), default="synthetic")
    p.add_argument("--cifar-dir", help="the extracted cifar-10-batches-py folder (with --dataset cifar10)")
    p.add_argument("--input-size", type=int, default=32, help="side of the images the network sees (32, 16, 8)")
    p.add_argument("--iterations", type=int, default=None, help="override the preset's iterations")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    p.add_argument("--out", default="runs/train", help="folder for the log (default runs/train)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=_cmd_train)

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
