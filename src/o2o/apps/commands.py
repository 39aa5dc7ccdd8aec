"""``o2o app``: serve the course's Voila apps.

    o2o app                      all three apps (a list page links to each)
    o2o app scene-simulator      only the scene simulator
    o2o app --port 9000 --open   another port, and open the browser

``python -m o2o.apps.commands`` takes the same options (tests and benchmarks start the server so).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from o2o.apps.server import APP_NOTEBOOKS, ServerSettings, serve
from o2o.errors import O2OError
from o2o.options import address_type, bounded_int, check_bindable, port_type

HELP = "用 Voila 提供交互应用 / serve the Voila apps"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "apps", nargs="*", metavar="APP",
        help="要提供的应用(默认全部):" + ", ".join(APP_NOTEBOOKS) + " / apps to serve (default: all)",
    )
    parser.add_argument("--port", type=port_type, default=8866, help="端口 / port (default 8866)")
    parser.add_argument(
        "--ip", default="127.0.0.1", type=address_type,
        help="监听地址;对外服务用 0.0.0.0 / address to listen on; 0.0.0.0 to serve others",
    )
    parser.add_argument("--open", action="store_true", help="打开浏览器 / open a browser")
    parser.add_argument("--pool-size", type=bounded_int("--pool-size", 0, 16), default=1,
                        help="每个应用预热的内核数 / preheated kernels per app (default 1)")
    parser.add_argument("--no-preheat", action="store_true", help="不预热内核 / do not preheat kernels")
    parser.add_argument("--cull-idle", type=bounded_int("--cull-idle", 1, 7 * 86400), default=900,
                        help="空闲多少秒后关闭内核 / seconds before an idle kernel is shut down (default 900)")
    parser.add_argument("--cull-interval", type=bounded_int("--cull-interval", 1, 86400), default=60,
                        help="检查空闲内核的间隔秒数 / seconds between idle checks (default 60)")
    parser.add_argument("--max-kernels", type=bounded_int("--max-kernels", 0, 1000), default=30,
                        help="同时运行的内核上限 / most kernels at once (default 30)")
    parser.add_argument("--memory-reserve-mb", type=int, default=512,
                        help="新内核启动后机器至少保留的空闲内存(MB,0 = 不检查)/ free memory (MB) kept after "
                             "a new kernel starts; below it new visitors get a 'come back later' page (default 512, 0: off)")
    parser.add_argument("--kernel-memory-mb", type=int, default=250,
                        help="每个应用内核预计占用的内存(MB)/ memory one app kernel is expected to take (default 250)")
    parser.add_argument("--meminfo", default="/proc/meminfo", help=argparse.SUPPRESS)
    parser.add_argument(
        "--voila-frontend", action="store_true",
        help="用 Voila 自带的前端(较慢)代替应用自己的页面脚本 / use Voila's own (slower) front end "
             "instead of the apps' page script",
    )
    parser.add_argument("--no-compress", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--extra-notebook", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--log-level", default="WARN", help=argparse.SUPPRESS)


def settings_from_args(args: argparse.Namespace) -> ServerSettings:
    """The server settings the parsed arguments ask for."""
    for name, value, low in (("--port", args.port, 1), ("--pool-size", args.pool_size, 0),
                             ("--cull-idle", args.cull_idle, 1), ("--cull-interval", args.cull_interval, 1),
                             ("--max-kernels", args.max_kernels, 0),
                             ("--memory-reserve-mb", args.memory_reserve_mb, 0),
                             ("--kernel-memory-mb", args.kernel_memory_mb, 0)):
        if value < low:
            raise O2OError(f"{name} 不能小于 {low}。", f"{name} must be at least {low}.")
    apps = tuple(args.apps) or (tuple(APP_NOTEBOOKS) if not args.extra_notebook else ())
    return ServerSettings(
        port=args.port,
        ip=args.ip,
        preheat=not args.no_preheat and args.pool_size > 0,
        pool_size=args.pool_size,
        cull_idle_timeout=args.cull_idle,
        cull_interval=args.cull_interval,
        max_kernels=args.max_kernels,
        memory_reserve_mb=args.memory_reserve_mb,
        kernel_memory_mb=args.kernel_memory_mb,
        meminfo=args.meminfo,
        compress=not args.no_compress,
        open_browser=args.open,
        log_level=args.log_level,
        apps=apps,
        extra_notebooks=tuple(Path(p) for p in args.extra_notebook),
        light_frontend=not args.voila_frontend,
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    settings = settings_from_args(args)
    check_bindable(settings.ip, settings.port)  # before any work: one sentence, not a Tornado traceback
    print(
        f"应用地址 / apps at: http://{'localhost' if settings.ip in ('127.0.0.1', '0.0.0.0') else settings.ip}:"
        f"{settings.port}/   (Ctrl+C 停止 / to stop)",
        flush=True,
    )
    serve(settings)
    return 0


def register(subparsers) -> None:
    """Add ``o2o app`` to the ``o2o`` command."""
    parser = subparsers.add_parser("app", help=HELP, description=__doc__)
    _add_arguments(parser)
    parser.set_defaults(func=run)


def build_standalone_parser() -> argparse.ArgumentParser:
    """The same options for ``python -m o2o.apps.commands``."""
    parser = argparse.ArgumentParser(prog="python -m o2o.apps.commands")
    _add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """``python -m o2o.apps.commands`` (used by tests and benchmarks): options as ``o2o app``."""
    serve(settings_from_args(build_standalone_parser().parse_args(argv)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
