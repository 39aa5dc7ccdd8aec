"""nbgrader's default exchange, with identities carried by the file system.

nbgrader's own exchange names a submission ``<student>+<assignment>+<time>+<random>``
and trusts that name: its submit leaves the folder world-writable (0777) and its files
world-readable, and its collect only *warns* when the owner differs from the name
(nbgrader issues #1097, #1104, #978, #1225). On the hub:

* ``inbound/`` is ``root:instructors`` mode 3773 (setgid + sticky): a student can create
  a submission but not list the folder, and cannot rename or delete anyone else's entry;
* :class:`PrivateSubmit` closes each submission folder to ``owner rwx, instructors r-x``
  (0750), so no other student can read or change it, even knowing its name;
* :class:`VerifiedCollect` collects a submission only when the folder and every file in
  it belong to the account the name claims (the kernel sets ownership; a student cannot
  give a file away), and never follows a link. The submission time it records is the
  latest of the claimed time and the *change times* (ctime) of the folder and its
  files: a student can rewrite ``timestamp.txt`` or ``touch`` a file, but the kernel
  stamps every such change with the real time, and no unprivileged call sets it back.
"""

from __future__ import annotations

import glob
import os
import pwd
import stat
from datetime import datetime, timezone

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import check_mode, parse_utc

# Seconds between nbgrader's timestamp and the last file write of an honest submit.
SUBMIT_SLACK_S = 120.0
MAX_FILES = 500


def _walk_no_links(top: str):
    """Every (path, lstat) below ``top`` including it; raises ValueError on a link or special file."""
    stack = [top]
    while stack:
        path = stack.pop()
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
            raise ValueError(f"not a plain file or folder: {path}")
        yield path, st
        if stat.S_ISDIR(st.st_mode):
            stack.extend(os.path.join(path, name) for name in os.listdir(path))


def check_submission(path: str, claimed_user: str) -> float:
    """Latest change time (epoch s) of a submission owned wholly by ``claimed_user``.

    Raises ValueError naming the reason when the submission is not that user's own.
    """
    try:
        uid = pwd.getpwnam(claimed_user).pw_uid
    except KeyError:
        raise ValueError(f"no account named {claimed_user}") from None
    latest = 0.0
    for count, (entry, st) in enumerate(_walk_no_links(path), start=1):
        if count > MAX_FILES:
            raise ValueError(f"more than {MAX_FILES} files")
        if st.st_uid != uid:
            raise ValueError(f"{entry} belongs to uid {st.st_uid}, not to {claimed_user}")
        latest = max(latest, st.st_ctime)
    return latest


class PrivateSubmit(ExchangeSubmit):
    """Submit, then close the submission: only its owner and the instructors' group get in.

    The gate is the submission folder itself, ``owner rwx, instructors r-x, others none``
    (its group is the instructors' through inbound's setgid bit). Inside it files are
    0644 and folders 0755: nbgrader writes ``timestamp.txt`` and ``submission_secret.txt``
    after copying, when the folder has lost its setgid bit (copytree copies the mode of the
    student's own folder), so those files carry the student's own group; the instructors
    read them as "others", which no other student can reach past the gate.
    """

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        self.set_perms(dest, fileperms=0o644, dirperms=0o755)
        os.chmod(dest, 0o750)


class VerifiedCollect(ExchangeCollect):
    """Collect only submissions their owner made; record the real (change) time."""

    def init_src(self):
        """nbgrader's ``ExchangeCollect.init_src`` with the file-system check first.

        nbgrader keeps the newest record per student name; a forged record under another
        student's name must not hide that student's real submission, so every record is
        checked before the newest genuine one is chosen.
        """
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        self.effective_times = {}
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = [self._path_to_record(f) for f in sorted(glob.glob(pattern)) if self._genuine(f)]
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for recs in groupby(records, lambda item: item["username"]).values():
            recs = self._sort_by_timestamp(recs)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in recs if r["timestamp"] <= self.duedate]
                recs = on_time or recs
            self.src_records.append(recs[0])

    def _genuine(self, path: str) -> bool:
        name = os.path.basename(path)
        parts = name.rsplit("+", 3)
        if len(parts) < 3:
            self.log.error("Refused submission %s: not an nbgrader submission name", name)
            return False
        try:
            changed = check_submission(path, parts[0])
            claimed = parse_utc(parts[2]).timestamp()
        except (OSError, ValueError, TypeError) as exc:
            self.log.error("Refused submission %s: %s", name, exc)
            return False
        self.effective_times[name] = changed if changed - claimed > SUBMIT_SLACK_S else claimed
        return True

    def do_copy(self, src, dest, log=None):
        super().do_copy(src, dest, log=log)
        name = os.path.basename(src)
        when = getattr(self, "effective_times", {}).get(name)
        if when is None:
            return
        stamp = os.path.join(dest, "timestamp.txt")
        recorded = None
        try:
            with open(stamp, encoding="utf-8") as fh:
                recorded = parse_utc(fh.read(100).strip())
        except (OSError, ValueError, TypeError):
            recorded = None
        real = datetime.fromtimestamp(when, tz=timezone.utc)
        if recorded is None or abs(recorded.timestamp() - when) > 1.0:
            self.log.warning("Submission %s: recorded time %s replaced by the file system's %s", name, recorded, real)
            with open(stamp, "w", encoding="utf-8") as fh:
                fh.write(real.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
