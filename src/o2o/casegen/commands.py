"""``o2o data``: build, ensure, check and describe the synthetic dataset.

Sub-commands::

    o2o data build [--scale N] [--seed S] [--out DIR] [--full] [--replace] [--yes-big] [--quiet]
    o2o data ensure [--replace]  # build the default dataset only if it is missing or invalid
    o2o data check [DIR]   # validate a dataset and print a bilingual summary
    o2o data info          # where the default dataset lives and what it holds

All the work is done by :mod:`o2o.casegen` (``build``, ``generator_fingerprint``) and
:mod:`o2o.data` (``check``, ``load``, ``default_data_dir``); this module only turns arguments
into calls and results into short bilingual reports. It lives with the generator because
``build`` and ``ensure`` run it; ``o2o --help`` does not import it (see ``o2o.cli``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import o2o.casegen as generator
import o2o.data as dataset
from o2o.casegen.build import check_scale_seed
from o2o.data.docs import render_readme
from o2o.errors import DataError
from o2o.safeio import check_target

DEFAULT_SEED = 2015


# --------------------------------------------------------------------------- argument types


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” 不是正整数 / “{text}” is not a positive whole number"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"必须 ≥ 1,得到 {value} / must be ≥ 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"随机种子必须是整数,得到 “{text}” / the seed must be a whole number, got “{text}”"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"随机种子不能为负数,得到 {value} / the seed must not be negative, got {value}"
        )
    return value


# --------------------------------------------------------------------------- helpers


def _human_size(n_bytes: int) -> str:
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _default_out(scale: int, full: bool) -> Path:
    default = Path(dataset.default_data_dir())
    if scale == 1 and not full:
        return default
    name = f"scale-{scale}" + ("-full" if full else "")
    return default.parent / name


#: builds above this scale (or --full) take long and much disk: they need --yes-big
BIG_SCALE = 16


def estimated_mb(scale: int) -> int:
    """Size on disk of a build, from measured ones (Parquet 1x: 41 MB, 2x: 54 MB, 16x: 249 MB; plus ≈ 190 MB of
    memory-mapped copies at any scale, see o2o.data.mapped; 1x in all: 233 MB, 2x: 246 MB); a test checks it."""
    return 220 + 14 * scale


def _refuse_big(scale: int, full: bool, confirmed: bool) -> None:
    if confirmed or (scale <= BIG_SCALE and not full):
        return
    what_zh = "全链交易明细(--full,数小时、数十 GB)" if full else f"{scale} 倍规模(约 {estimated_mb(scale):,} MB,需数分钟)"
    what_en = ("full-chain transactions (--full: hours, tens of GB)" if full
               else f"scale {scale} (about {estimated_mb(scale):,} MB, several minutes)")
    raise DataError(
        f"要生成的数据集很大:{what_zh}。确认要生成时请加 --yes-big(make data-big 用 YES=1);规模 {BIG_SCALE} 以内"
        "不需要确认。",
        f"The dataset to build is large: {what_en}. Add --yes-big to confirm (make data-big: YES=1); up to scale "
        f"{BIG_SCALE} needs no confirmation.")


def _print_summary(path: Path, report: dict[str, Any]) -> None:
    """Print the row counts (and whatever else ``check`` reports) as a small table."""
    print(f"数据集 / dataset: {path}")
    rows = report.get("rows") or report.get("row_counts") or {}
    if isinstance(rows, dict) and rows:
        width = max(len(str(name)) for name in rows)
        print(f"  {'表 / table':<{width + 4}}  行数 / rows")
        for name, count in rows.items():
            count_text = f"{count:,}" if isinstance(count, int) else str(count)
            print(f"  {name:<{width + 4}}  {count_text:>12}")
    for key in ("version", "seed", "scale", "full"):
        if key in report:
            print(f"  {key}: {report[key]}")
    if path.is_dir():
        print(f"  磁盘占用 / size on disk: {_human_size(_dir_size(path))}")


# --------------------------------------------------------------------------- handlers


def cmd_build(args: argparse.Namespace) -> int:
    check_scale_seed(args.scale, args.seed)
    _refuse_big(args.scale, args.full, getattr(args, "yes_big", False))
    out = check_target(Path(args.out) if args.out else _default_out(args.scale, args.full),
                       replace=getattr(args, "replace", False))
    print(
        f"正在生成合成数据集(规模 ×{args.scale},种子 {args.seed}{',全量交易' if args.full else ''})→ {out}\n"
        f"Building the synthetic dataset (scale ×{args.scale}, seed {args.seed}"
        f"{', full transactions' if args.full else ''}) → {out}",
        flush=True,
    )
    started = time.perf_counter()
    path = Path(generator.build(out, scale=args.scale, seed=args.seed, progress=not args.quiet, full=args.full,
                                replace=getattr(args, "replace", False)))
    elapsed = time.perf_counter() - started
    print(f"完成,用时 {elapsed:.1f} 秒。 / Done in {elapsed:.1f} s.")
    if path.is_dir():
        print(f"  磁盘占用 / size on disk: {_human_size(_dir_size(path))}")
    return 0


def cmd_ensure(args: argparse.Namespace) -> int:
    path = Path(dataset.default_data_dir())
    if path.is_dir() and any(path.iterdir()):
        try:
            # version, generator and file hashes (a hash covers any corruption); the slower
            # schema and cross-table checks are `o2o data check`
            dataset.check(path, integrity=False, tables=False, generator=generator.generator_fingerprint())
        except DataError as exc:
            print(
                f"默认数据集需要重建 / the default dataset must be rebuilt:\n{exc}",
                flush=True,
            )
        else:
            print(f"默认数据集已就绪 / the default dataset is ready: {path}")
            return 0
    else:
        print(
            f"默认数据集尚未生成,现在生成(约 15 秒)。 / The default dataset is missing; building it now (about 15 s).",
            flush=True,
        )
    check_target(path, replace=getattr(args, "replace", False))  # a folder holding other files: refused before any work
    started = time.perf_counter()
    generator.build(path, scale=1, seed=DEFAULT_SEED, progress=not args.quiet, full=False,
                    replace=getattr(args, "replace", False))
    dataset.check(path, integrity=False, tables=False, generator=generator.generator_fingerprint())
    print(
        f"默认数据集已生成,用时 {time.perf_counter() - started:.1f} 秒:{path}\n"
        f"The default dataset is built in {time.perf_counter() - started:.1f} s: {path}"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.dir) if args.dir else Path(dataset.default_data_dir())
    if not path.exists():
        raise DataError(
            f"找不到数据集文件夹 {path}。运行 `make data`(或 `o2o data build`)生成。",
            f"No dataset folder at {path}. Run `make data` (or `o2o data build`) to build it.",
        )
    report = dataset.check(path) or {}
    _print_summary(path, report)
    print("检查通过:数据集完整、符合结构定义。 / Check passed: the dataset is complete and matches its schema.")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else Path(dataset.default_data_dir()).parent / "README.md"
    text = render_readme()
    if out.is_symlink() or out.is_dir() or (out.exists() and not _is_dictionary(out, text)):
        raise DataError(
            f"{out} 已存在,而且不是本工具生成的数据字典;为免覆盖,已停止。请用 --out 换一个文件名。",
            f"{out} exists and is not a data dictionary this kit wrote; stopped so as not to overwrite it. "
            "Choose another file name with --out.")
    tmp = out.with_name(f".{out.name}.o2o-tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    print(f"数据字典已写入 / data dictionary written: {out}")
    return 0


def _is_dictionary(path: Path, text: str) -> bool:
    """Whether ``path`` starts with the data dictionary's title line (an earlier ``o2o data docs``)."""
    first = text.split("\n", 1)[0].encode("utf-8")
    with open(path, "rb") as f:
        return f.read(len(first)) == first


def cmd_info(args: argparse.Namespace) -> int:
    path = Path(dataset.default_data_dir())
    print(f"默认数据集位置 / default dataset location: {path}")
    print("  (可用环境变量 O2O_DATA_DIR 指定其他位置 / set O2O_DATA_DIR to use another location)")
    if not (path / "meta.json").exists():
        print("  尚未生成;运行 `make data` 生成。 / Not built yet; run `make data` to build it.")
    else:
        try:
            meta = dataset.load(path).meta
        except DataError as exc:
            print(f"  无法读取 / cannot be read:\n{exc}")
        else:
            for key in ("version", "seed", "scale"):
                if key in meta:
                    print(f"  {key}: {meta[key]}")
            rows = meta.get("row_counts") or meta.get("rows") or {}
            if isinstance(rows, dict) and rows:
                total = sum(v for v in rows.values() if isinstance(v, int))
                print(f"  表 / tables: {len(rows)},总行数 / total rows: {total:,}")
            print(f"  磁盘占用 / size on disk: {_human_size(_dir_size(path))}")
    others = sorted(p for p in path.parent.glob("*") if p.is_dir() and p != path and (p / "meta.json").exists())
    if others:
        print("其他数据集 / other datasets:")
        for other in others:
            print(f"  {other}  ({_human_size(_dir_size(other))})")
    print("提示:数据为合成数据,不是任何公司的真实记录。 / Note: the data is synthetic, not any company's records.")
    return 0


# --------------------------------------------------------------------------- registration


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``o2o data`` and its sub-commands to the ``o2o`` parser."""
    data = subparsers.add_parser(
        "data",
        help="生成、检查数据集 / build and check the dataset",
        description="合成的美宜佳式便利店数据集(2015 年)。\nThe synthetic Meiyijia-style convenience-chain dataset (2015).",
    )
    data.set_defaults(func=lambda args: data.print_help() or 0)
    sub = data.add_subparsers(title="子命令 / sub-commands", dest="data_command", metavar="<子命令/sub-command>")

    build = sub.add_parser(
        "build",
        help="生成数据集 / build a dataset",
        description=(
            "按规模和随机种子生成数据集;同样的规模和种子得到完全相同的文件。\n"
            "Build a dataset for a scale and a seed; the same scale and seed give identical files."
        ),
    )
    build.add_argument(
        "--scale", type=_positive_int, default=1, metavar="N",
        help="规模倍数(默认 1)/ size multiple of the default dataset (default 1)",
    )
    build.add_argument(
        "--seed", type=_seed, default=DEFAULT_SEED, metavar="S",
        help=f"随机种子(默认 {DEFAULT_SEED})/ random seed (default {DEFAULT_SEED})",
    )
    build.add_argument(
        "--out", metavar="DIR",
        help="输出文件夹(默认 datasets/default 或 datasets/scale-N)/ output folder "
        "(default datasets/default or datasets/scale-N)",
    )
    build.add_argument(
        "--full", action="store_true",
        help="全链交易明细,流式写入分区 Parquet / full-chain transactions, streamed to partitioned Parquet",
    )
    build.add_argument(
        "--replace", action="store_true",
        help="输出文件夹里有别的文件时仍然替换(原文件夹改名保留)/ replace an output folder holding other "
        "files (the old folder is renamed and kept)",
    )
    build.add_argument(
        "--yes-big", action="store_true",
        help=f"确认生成规模大于 {BIG_SCALE} 或 --full 的数据集 / confirm a build above scale {BIG_SCALE} or with --full",
    )
    build.add_argument("--quiet", action="store_true", help="不显示进度条 / no progress bar")
    build.set_defaults(func=cmd_build)

    ensure = sub.add_parser(
        "ensure",
        help="默认数据集缺失或无效时才生成 / build the default dataset only if missing or invalid",
        description=(
            "检查默认数据集;缺失或无效时重新生成。\n"
            "Check the default dataset; build it again only if it is missing or invalid."
        ),
    )
    ensure.add_argument(
        "--replace", action="store_true",
        help="默认数据集文件夹里有别的文件时仍然替换(原文件夹改名保留)/ replace the default dataset folder "
        "even if it holds other files (the old folder is renamed and kept)",
    )
    ensure.add_argument("--quiet", action="store_true", help="不显示进度条 / no progress bar")
    ensure.set_defaults(func=cmd_ensure)

    check = sub.add_parser(
        "check",
        help="校验数据集并打印摘要 / validate a dataset and print a summary",
        description="校验数据集的结构和完整性。\nValidate a dataset's schema and integrity.",
    )
    check.add_argument(
        "dir", nargs="?", metavar="DIR",
        help="数据集文件夹(默认为默认数据集)/ dataset folder (default: the default dataset)",
    )
    check.set_defaults(func=cmd_check)

    info = sub.add_parser(
        "info",
        help="显示数据集位置和内容 / show where the dataset is and what it holds",
        description="显示默认数据集的位置、版本和规模。\nShow the default dataset's location, version and size.",
    )
    info.set_defaults(func=cmd_info)

    docs = sub.add_parser(
        "docs",
        help="重新生成数据字典 datasets/README.md / regenerate the data dictionary datasets/README.md",
        description="由表结构定义生成中英文数据字典。\nWrite the bilingual data dictionary from the schema.",
    )
    docs.add_argument("--out", metavar="FILE", help="输出文件(默认 datasets/README.md)/ output file")
    docs.set_defaults(func=cmd_docs)
