"""Errors a student or instructor may meet, each with a Chinese and an English message.

Every error the kit raises on bad input is an :class:`O2OError`. Its ``str()`` is the
Chinese sentence first and the English one on the next line, so that a notebook shows
something a manager can act on instead of a stack of library frames.
"""

from __future__ import annotations


class O2OError(Exception):
    """Base class: a bilingual, actionable message."""

    def __init__(self, zh: str, en: str = "") -> None:
        self.zh = zh
        self.en = en
        super().__init__(zh if not en else f"{zh}\n{en}")

    def message(self, lang: str = "zh") -> str:
        """The message in one language (``"zh"`` or ``"en"``)."""
        return self.en if (lang == "en" and self.en) else self.zh


class DataError(O2OError):
    """A dataset file is missing, corrupt, from another version or fails its schema."""


class SceneError(O2OError):
    """A scene design is impossible or incomplete."""


class GradingError(O2OError):
    """A submission or a grading run cannot be processed."""


class FaultError(O2OError):
    """An ordinary fault of the machine (permissions, a full disk, a missing folder): not a bug."""


def os_fault(exc: BaseException) -> FaultError | None:
    """The one bilingual sentence for an ordinary operating-system fault, or ``None`` for anything else.

    Recognised: no permission, a full disk (or quota), a read-only file system, a missing file or
    folder, too many open files. pyarrow reports some of these as an ``OSError`` without an
    ``errno`` but with the system's message, which is matched too."""
    import errno

    if not isinstance(exc, OSError):
        return None
    where = exc.filename or ""
    text = str(exc)
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in text or "Disk quota exceeded" in text:
        return FaultError(
            f"磁盘已满{f'({where})' if where else ''},写入中断。请腾出磁盘空间,或换一个有空间的文件夹后重试。",
            f"The disk is full{f' ({where})' if where else ''}; writing stopped. Free some disk space or choose "
            "a folder on another disk, then try again.")
    if code in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError) or "Permission denied" in text:
        return FaultError(
            f"没有权限读写 {where or '所需的文件'}。请换一个您有权限的文件夹,或请管理员开放权限。",
            f"No permission to read or write {where or 'a file it needs'}. Use a folder you have rights to, "
            "or ask an administrator to grant access.")
    if code == errno.EROFS or "Read-only file system" in text:
        return FaultError(
            f"{where or '目标位置'} 所在的磁盘是只读的。请换一个可写的文件夹。",
            f"{where or 'The target'} is on a read-only disk. Choose a folder you can write to.")
    if code == errno.ENOENT or isinstance(exc, FileNotFoundError):
        return FaultError(
            f"找不到 {where or '所需的文件或文件夹'}。请检查路径是否正确、文件夹是否被移走。",
            f"{where or 'A file or folder it needs'} was not found. Check the path and whether the folder "
            "was moved.")
    if code in (errno.EMFILE, errno.ENFILE):
        return FaultError("打开的文件太多。请关闭一些程序后重试。", "Too many files are open. Close some programs and try again.")
    return None
