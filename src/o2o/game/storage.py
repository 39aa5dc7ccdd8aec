"""SQLite storage of the class game: every action appended to a log, nothing ever updated or deleted.

WAL mode (readers never block the writer) and ``synchronous=FULL``: once an append returns, it
survives the server being killed. A game's state is a fold of its log (:func:`fold`); results are
recomputed from the market snapshot, the seed and the decisions (:func:`o2o.game.play`).
"""

from __future__ import annotations

import copy
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .market import GameError, Market

SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
    game_id TEXT PRIMARY KEY, created REAL NOT NULL, title TEXT NOT NULL, seed INTEGER NOT NULL,
    market TEXT NOT NULL, schedule TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams (
    game_id TEXT NOT NULL REFERENCES games(game_id), team INTEGER NOT NULL, name TEXT NOT NULL,
    join_code TEXT NOT NULL UNIQUE, PRIMARY KEY (game_id, team));
CREATE TABLE IF NOT EXISTS log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, game_id TEXT NOT NULL REFERENCES games(game_id), at REAL NOT NULL,
    kind TEXT NOT NULL, rnd INTEGER, team INTEGER, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS server (id INTEGER PRIMARY KEY CHECK (id = 1), cookie_secret TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS log_game ON log (game_id, seq);
CREATE TRIGGER IF NOT EXISTS log_no_update BEFORE UPDATE ON log BEGIN SELECT RAISE(ABORT, 'append only'); END;
CREATE TRIGGER IF NOT EXISTS log_no_delete BEFORE DELETE ON log BEGIN SELECT RAISE(ABORT, 'append only'); END;
"""
KINDS = ("open", "close", "plan", "run", "publish", "undo", "end")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"      # no 0/O, 1/I/L


@dataclass
class GameInfo:
    game_id: str
    title: str
    seed: int
    market: Market
    schedule: list[list[str]]       # events the template planned for each round
    names: list[str]
    codes: list[str]


@dataclass
class RoundState:
    """A round as the log says: opened (deadline), closed, run (events), published; plans per team."""

    rnd: int
    deadline: float | None = None
    closed: bool = False
    ran: bool = False
    events: tuple[str, ...] = ()
    published: bool = False
    plans: dict[int, dict[str, Any]] = field(default_factory=dict)     # latest plan per team
    submissions: dict[int, int] = field(default_factory=dict)          # number of submissions per team

    def is_open(self, now: float) -> bool:
        return self.deadline is not None and not self.closed and now < self.deadline and not self.ran


@dataclass
class GameState:
    rounds: list[RoundState] = field(default_factory=list)
    ended: bool = False

    @property
    def current(self) -> RoundState | None:
        return self.rounds[-1] if self.rounds else None

    def played(self) -> list[RoundState]:
        return [r for r in self.rounds if r.ran]


def fold(rows: list[sqlite3.Row], st: GameState | None = None) -> GameState:
    """The game's state after replaying its log in order (continuing from ``st`` when given)."""
    st = GameState() if st is None else st
    for row in rows:
        kind, rnd, team = row["kind"], row["rnd"], row["team"]
        p = json.loads(row["payload"])
        if kind == "open":
            if st.current is not None and st.current.rnd == rnd:      # re-opened after an undo
                st.current.deadline, st.current.closed = p["deadline"], False
            else:
                st.rounds.append(RoundState(rnd=rnd, deadline=p["deadline"]))
        elif kind == "close" and st.current is not None:
            st.current.closed = True
        elif kind == "plan" and st.current is not None and st.current.rnd == rnd:
            st.current.plans[team] = p
            st.current.submissions[team] = st.current.submissions.get(team, 0) + 1
        elif kind == "run" and st.current is not None:
            st.current.ran, st.current.closed, st.current.events = True, True, tuple(p["events"])
        elif kind == "publish" and st.current is not None:
            st.current.published = True
        elif kind == "undo" and st.current is not None:
            st.current.ran = st.current.published = False
            st.current.events = ()
        elif kind == "end":
            st.ended = True
    return st


class Storage:
    """One SQLite file; one connection per thread; appends are single committed transactions."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._states: dict[str, tuple[int, GameState]] = {}
        with self._conn() as c:
            mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise GameError(f"无法以 WAL 模式打开游戏数据库 {self.path.name}:请把它放在本地磁盘上。",
                                f"Cannot open the game database {self.path.name} in WAL mode: keep it on a local disk.")
            c.executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            c.row_factory = sqlite3.Row
            c.execute("PRAGMA synchronous=FULL")
            c.execute("PRAGMA foreign_keys=ON")
            c.execute("PRAGMA busy_timeout=30000")
            self._local.conn = c
        return c

    def cookie_secret(self) -> str:
        """The secret that signs session cookies, made once, so sessions survive a restart."""
        c = self._conn()
        c.execute("INSERT OR IGNORE INTO server VALUES (1, ?)", (secrets.token_hex(32),))
        return c.execute("SELECT cookie_secret FROM server WHERE id = 1").fetchone()[0]

    def create_game(self, title: str, seed: int, market: Market, schedule: list[list[str]], names: list[str]) -> str:
        game_id = secrets.token_hex(4)
        c = self._conn()
        c.execute("BEGIN IMMEDIATE")
        try:
            c.execute("INSERT INTO games VALUES (?,?,?,?,?,?)", (game_id, time.time(), title, int(seed),
                      json.dumps(market.to_dict(), ensure_ascii=False), json.dumps(schedule, ensure_ascii=False)))
            for t, name in enumerate(names):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
                c.execute("INSERT INTO teams VALUES (?,?,?,?)", (game_id, t, name, code))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return game_id

    def games(self) -> list[sqlite3.Row]:
        return self._conn().execute("SELECT game_id, title, created FROM games ORDER BY created DESC").fetchall()

    def game(self, game_id: str) -> GameInfo | None:
        c = self._conn()
        g = c.execute("SELECT * FROM games WHERE game_id = ?", (game_id,)).fetchone()
        if g is None:
            return None
        teams = c.execute("SELECT name, join_code FROM teams WHERE game_id = ? ORDER BY team", (game_id,)).fetchall()
        return GameInfo(game_id=game_id, title=g["title"], seed=int(g["seed"]),
                        market=Market.from_dict(json.loads(g["market"])), schedule=json.loads(g["schedule"]),
                        names=[t["name"] for t in teams], codes=[t["join_code"] for t in teams])

    def team_by_code(self, code: str) -> tuple[str, int] | None:
        row = self._conn().execute("SELECT game_id, team FROM teams WHERE join_code = ?", (code,)).fetchone()
        return (row["game_id"], int(row["team"])) if row else None

    def append(self, game_id: str, kind: str, rnd: int | None = None, team: int | None = None,
               payload: dict[str, Any] | None = None) -> int:
        if kind not in KINDS:
            raise ValueError(kind)
        cur = self._conn().execute("INSERT INTO log (game_id, at, kind, rnd, team, payload) VALUES (?,?,?,?,?,?)",
                                   (game_id, time.time(), kind, rnd, team, json.dumps(payload or {}, ensure_ascii=False)))
        return int(cur.lastrowid)

    def log(self, game_id: str) -> list[sqlite3.Row]:
        return self._conn().execute("SELECT * FROM log WHERE game_id = ? ORDER BY seq", (game_id,)).fetchall()

    def state(self, game_id: str) -> GameState:
        """The folded state, kept per game and brought up to date with the rows appended since (any process)."""
        with self._lock:
            last, st = self._states.get(game_id, (0, None))
            rows = self._conn().execute("SELECT * FROM log WHERE game_id = ? AND seq > ? ORDER BY seq",
                                        (game_id, last)).fetchall()
            if rows or st is None:
                st = fold(rows, copy.deepcopy(st) if st is not None else None)
                self._states[game_id] = (int(rows[-1]["seq"]) if rows else last, st)
            return st


__all__ = ["Storage", "GameInfo", "GameState", "RoundState", "fold", "KINDS"]
