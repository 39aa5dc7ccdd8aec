"""The roster: who is in the cohort (pure functions, no system calls).

The CSV is the one ``nbgrader db student import`` reads (``id``, ``first_name``,
``last_name``, ``email``) plus a ``role`` column (``student`` or ``instructor``;
``学员``/``教师`` also accepted; empty means student). The ``id`` becomes the Unix
account name, the hub user name and the nbgrader student id, because nbgrader takes a
student's id from the Unix user name: all three must match.

>>> people = parse_roster("id,first_name,last_name,email,role\\ns01,伟,王,,student\\nt01,老师,李,,instructor\\n")
>>> [(p.id, p.role) for p in people]
[('s01', 'student'), ('t01', 'instructor')]
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from o2o.errors import HubError

MAX_BYTES = 1_000_000
MAX_PEOPLE = 5_000
MAX_FIELD = 200
# Unix account names that are safe everywhere (useradd's default NAME_REGEX, lowercase only).
ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
RESERVED = frozenset({"root", "admin", "daemon", "bin", "sys", "nobody", "jovyan", "jupyter", "hub", "www-data"})
ROLES = {"student": "student", "instructor": "instructor", "学员": "student", "学生": "student",
         "教师": "instructor", "老师": "instructor", "": "student"}
REQUIRED = ("id",)


@dataclass(frozen=True)
class Person:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    role: str = "student"

    @property
    def is_instructor(self) -> bool:
        return self.role == "instructor"


def _fail(line: int, zh: str, en: str) -> HubError:
    return HubError(f"名单第 {line} 行:{zh}", f"Roster line {line}: {en}")


def _clean(value: str | None, line: int, column: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_FIELD:
        raise _fail(line, f"{column} 太长(最多 {MAX_FIELD} 个字符)。", f"{column} is too long (at most {MAX_FIELD} characters).")
    if any(ord(ch) < 32 for ch in text):
        raise _fail(line, f"{column} 含有控制字符。", f"{column} contains control characters.")
    return text


def _person(row: dict, line: int) -> Person:
    pid = _clean(row.get("id"), line, "id")
    if not ID_RE.match(pid):
        raise _fail(line, f"编号 {pid!r} 不能用作账号名:请用小写字母开头,只含小写字母、数字、- 和 _,最多 32 个字符。",
                    f"id {pid!r} cannot be an account name: start with a lowercase letter, use only lowercase "
                    "letters, digits, - and _, at most 32 characters.")
    if pid in RESERVED:
        raise _fail(line, f"编号 {pid!r} 是系统保留的名字,请换一个。", f"id {pid!r} is reserved by the system; choose another.")
    role_text = _clean(row.get("role"), line, "role").lower()
    if role_text not in ROLES:
        raise _fail(line, f"角色 {role_text!r} 不认识:请写 student 或 instructor。",
                    f"role {role_text!r} is unknown: write student or instructor.")
    return Person(pid, _clean(row.get("first_name"), line, "first_name"), _clean(row.get("last_name"), line, "last_name"),
                  _clean(row.get("email"), line, "email"), ROLES[role_text])


def parse_roster(text: str) -> list[Person]:
    """People of a roster CSV text, in file order; refuses the whole file on any bad row."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise HubError(f"名单文件太大(最多 {MAX_BYTES // 1000} kB)。", f"The roster is too large (at most {MAX_BYTES // 1000} kB).")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [col for col in REQUIRED if col not in header]
    if missing:
        raise HubError("名单缺少 id 列。第一行应为:id,first_name,last_name,email,role",
                       "The roster has no id column. Its first line should be: id,first_name,last_name,email,role")
    reader.fieldnames = header
    people: list[Person] = []
    seen: set[str] = set()
    for index, row in enumerate(reader, start=2):
        if None in row:
            raise _fail(index, "列数比表头多。", "more columns than the header.")
        if not any((v or "").strip() for v in row.values()):
            continue
        person = _person(row, index)
        if person.id in seen:
            raise _fail(index, f"编号 {person.id} 重复。", f"id {person.id} appears twice.")
        seen.add(person.id)
        people.append(person)
        if len(people) > MAX_PEOPLE:
            raise HubError(f"名单超过 {MAX_PEOPLE} 人。", f"The roster has more than {MAX_PEOPLE} people.")
    if not people:
        raise HubError("名单是空的。", "The roster is empty.")
    return people


def read_roster(path: Path) -> list[Person]:
    """Read and check a roster file (UTF-8, with or without BOM)."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise HubError(f"找不到名单文件 {path}(或它不是普通文件)。", f"Roster file {path} not found (or not a regular file).")
    if path.stat().st_size > MAX_BYTES:
        raise HubError(f"名单文件太大(最多 {MAX_BYTES // 1000} kB)。", f"The roster is too large (at most {MAX_BYTES // 1000} kB).")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise HubError("名单文件不是 UTF-8 编码。请在 Excel 中另存为“CSV UTF-8”。",
                       "The roster is not UTF-8. Save it from Excel as 'CSV UTF-8'.") from None
    return parse_roster(text)
