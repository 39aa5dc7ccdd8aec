"""``o2o game``: serve the class game on a classroom network (bilingual help)."""

from __future__ import annotations

import argparse
import asyncio
import functools
import ipaddress
import logging
import os
import signal
import sqlite3
from pathlib import Path

from .market import GameError

DEFAULT_DB = Path(".o2o-game") / "game.sqlite3"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "game", help="班长战争课堂游戏 / serve the class game",
        description="班长战争:各队在同一个模拟市场中逐轮对抗;教师开启、截止、运行每一轮并发布战报。\n"
                    "Squad wars: teams compete round by round in one simulated market; the instructor opens, closes "
                    "and runs each round and publishes the war report.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址;教室网络上用 0.0.0.0 / address to listen on; 0.0.0.0 on a classroom network "
                        "(default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8890, help="端口 / port (default 8890)")
    p.add_argument("--db", default=str(DEFAULT_DB), help=f"SQLite 数据库 / the game database (default {DEFAULT_DB})")
    p.add_argument("--token", default=None,
                   help="教师口令;默认读 O2O_GAME_TOKEN,否则随机生成并打印 / instructor token; default "
                        "$O2O_GAME_TOKEN, else a random one is printed")
    p.add_argument("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                   help="日志级别;INFO 记录每个请求及其用时 / log level; INFO logs every request and its time")
    p.set_defaults(func=run)


def _check(args) -> str:
    try:
        ipaddress.ip_address(args.host)
    except ValueError:
        raise GameError(f"监听地址「{args.host}」不是 IP 地址:请用 127.0.0.1 或 0.0.0.0。",
                        f"'{args.host}' is not an IP address: use 127.0.0.1 or 0.0.0.0.") from None
    if not 1 <= args.port <= 65535:
        raise GameError(f"端口 {args.port} 无效:请用 1 到 65535 之间的数。",
                        f"Port {args.port} is invalid: use a number from 1 to 65535.")
    token = args.token or os.environ.get("O2O_GAME_TOKEN") or ""
    if token and len(token) < 12:
        raise GameError("教师口令至少 12 个字符。", "The instructor token needs at least 12 characters.")
    return token


@functools.lru_cache(maxsize=1)
def _dataset():
    import o2o  # lazy: the dataset is loaded only when a game is created, not to serve pages

    return o2o.load()


def run(args) -> int:
    # lazy: the server's modules (tornado) load only when the command runs, so `o2o --help` stays light
    from tornado.httpserver import HTTPServer
    from .server import MAX_BODY, make_app, new_token

    token = _check(args)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    printed = not token
    token = token or new_token()
    try:
        app = make_app(args.db, token)
    except (OSError, sqlite3.Error) as e:
        raise GameError(f"无法打开游戏数据库 {args.db}:{e}", f"Cannot open the game database {args.db}: {e}") from e
    app.settings["dataset"] = _dataset

    async def main() -> None:
        server = HTTPServer(app, max_body_size=MAX_BODY, xheaders=False)
        server.listen(args.port, address=args.host)
        url = f"http://{args.host}:{args.port}"
        print(f"班长战争已启动 / the class game is running: {url}/  (队伍加入 / teams join here)", flush=True)
        if printed:
            print(f"教师入口 / instructor: {url}/instructor/login?token={token}", flush=True)
        else:
            print(f"教师入口 / instructor: {url}/instructor (口令见 O2O_GAME_TOKEN / token as given)", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()

    asyncio.run(main())
    return 0


__all__ = ["register", "run"]
