"""First-use login whose password hashing does not stop the hub.

``firstuseauthenticator`` checks and stores passwords with bcrypt (cost 12: a few tenths
of a second of CPU each) inside its ``authenticate`` coroutine, so each hash blocks the
hub's one event loop. A class logging in together queues behind it: thirty first logins
held every other request of the hub (logins, starts, the proxy's and servers' calls) for
about 20 s in the benchmark. This subclass keeps everything of the original - the same
password store (``dbm``), the same bcrypt hashes, the minimum length and its message,
``create_users`` - and runs only the bcrypt calls in a worker thread (bcrypt releases the
GIL, so two cores hash two passwords at once). The password store is still read and
written on the event loop's thread only, so it never sees two writers.
"""

from __future__ import annotations

import asyncio
import dbm

import bcrypt
from firstuseauthenticator import FirstUseAuthenticator


def _check(password: bytes, stored: bytes) -> bool:
    return bcrypt.hashpw(password, stored) == stored


def _hash(password: bytes) -> bytes:
    return bcrypt.hashpw(password, bcrypt.gensalt())


class CohortFirstUseAuthenticator(FirstUseAuthenticator):
    """``FirstUseAuthenticator`` with bcrypt off the event loop."""

    def _stored(self, username: str) -> bytes | None:
        with dbm.open(self.dbm_path, "c", 0o600) as db:
            return db.get(username.encode("utf8"), None)

    async def authenticate(self, handler, data):
        username = self.normalize_username(data["username"])
        password = data["password"].encode("utf8")
        if not self.create_users and not self._user_exists(username):
            return None
        loop = asyncio.get_running_loop()
        stored = self._stored(username)
        if stored is None:
            if not self._validate_password(data["password"]):
                handler.custom_login_error = (
                    "Password too short! Please choose a password at least %d characters long."
                    % self.min_password_length)
                self.log.error(handler.custom_login_error)
                return None
            hashed = await loop.run_in_executor(None, _hash, password)
            stored = self._stored(username)      # someone else's first login may have won meanwhile
            if stored is None:
                with dbm.open(self.dbm_path, "c", 0o600) as db:
                    db[username] = hashed
                return username
        return username if await loop.run_in_executor(None, _check, password, stored) else None
