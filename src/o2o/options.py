"""Command-line option types and checks shared by every command: refuse a bad value before any work.

Each ``*_type`` is an argparse ``type=`` callable: a bad value ends in argparse's bilingual
usage error (exit 2) before the command runs. :func:`check_bindable` asks the system whether
an address and port can be listened on, so a server refuses at once with one sentence instead
of failing inside Tornado.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import math
import socket

from o2o.errors import O2OError


def bounded_int(name: str, low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} 需要整数,得到 “{text}” / {name} needs a whole number, got “{text}”") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{name} 必须在 {low} 到 {high} 之间,得到 {value} / {name} must be from {low} to {high}, got {value}")
        return value

    return parse


def bounded_float(name: str, low: float, high: float, unit: str = "秒 / s"):
    """An argparse type: a finite number from ``low`` to ``high``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} 需要数字,得到 “{text}” / {name} needs a number, got “{text}”") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{name} 必须在 {low:g} 到 {high:g} {unit.split(' / ')[0]}之间,得到 {text} / "
                f"{name} must be from {low:g} to {high:g} {unit.split(' / ')[-1]}, got {text}")
        return value

    return parse


port_type = bounded_int("端口 port", 1, 65535)


def address_type(text: str) -> str:
    """An argparse type: an IPv4/IPv6 address or ``localhost``."""
    if text == "localhost":
        return text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” 不是有效的 IP 地址(例如 127.0.0.1 或 0.0.0.0) / “{text}” is not a valid IP address "
            "(e.g. 127.0.0.1 or 0.0.0.0)") from None


def check_bindable(ip: str, port: int) -> None:
    """Raise :class:`o2o.errors.O2OError` unless ``ip:port`` can be listened on now."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((ip, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise O2OError(
                f"端口 {port} 已被另一个程序占用({ip})。请关掉那个程序,或用 --port 换一个端口(例如 {port + 1})。",
                f"Port {port} is already in use on {ip} by another program. Stop that program or choose another "
                f"port with --port (e.g. {port + 1}).") from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            raise O2OError(
                f"本机没有地址 {ip},无法在上面监听。请用 --ip 127.0.0.1(只本机)或 0.0.0.0(对外服务)。",
                f"This computer has no address {ip} to listen on. Use --ip 127.0.0.1 (this computer only) "
                "or 0.0.0.0 (serve others).") from None
        if exc.errno == errno.EACCES:
            raise O2OError(
                f"没有权限监听端口 {port}(1024 以下的端口需要管理员权限)。请用 --port 换一个 1024 以上的端口。",
                f"No permission to listen on port {port} (ports below 1024 need administrator rights). "
                "Choose a port above 1024 with --port.") from None
        raise
    finally:
        sock.close()
