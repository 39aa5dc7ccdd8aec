"""Run a student's kernel in a sandbox.

The sandbox is built from Debian's ``bubblewrap`` (``bwrap``) and util-linux's ``setpriv`` and
``prlimit``. Guarantees when the grader runs as root (the normal case on a grading machine and in CI):

* **separate unprivileged user** - the kernel runs as a numeric uid/gid of its own (one per grading
  worker, ``61000 + worker``), with no supplementary groups, every capability dropped
  (``--inh-caps=-all --bounding-set=-all``) and ``no_new_privs`` set;
* **no network** - a fresh network namespace with only a loopback device;
* **private filesystem view** - a new mount namespace that holds only ``/usr``, ``/etc``, the Python
  installation, the virtual environment, the package sources, the dataset (all read-only) and two
  size-limited ``tmpfs`` (the working directory and ``/tmp``). The course directory - ``source/``,
  other students' work, ``gradebook.db`` - is simply not there;
* **its own pid/ipc/uts namespaces** - killing the sandbox kills every process the student started;
* **limits** - ``prlimit`` sets address space (memory), number of processes (per sandbox uid),
  file size, open files and no core dumps; wall-clock limits per cell and per notebook are enforced by
  the worker, which kills the whole sandbox when they run out; output is capped by the worker.

The kernel talks to the grader over ZeroMQ ``ipc`` sockets in a per-worker runtime directory that is
bind-mounted at the same path; once the kernel is up the directory is handed back to root so the
student cannot create files there.

When the grader does not run as root, ``bwrap --unshare-user`` is used instead: the same filesystem,
network and pid isolation, but the kernel keeps the grader's own uid outside the namespace and the
process limit counts the grader's processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import o2o
from o2o.errors import GradingError

SANDBOX_UID_BASE = 61000


@dataclass
class Limits:
    """Per-notebook resource limits for a student's kernel."""

    cell_timeout_s: float = 60.0
    notebook_timeout_s: float = 600.0
    memory_bytes: int = 4 * 1024**3  # address space: pandas + pyarrow reserve far more than they touch
    nproc: int = 96
    file_bytes: int = 64 * 1024**2
    nofile: int = 256
    work_tmpfs_bytes: int = 256 * 1024**2
    tmp_tmpfs_bytes: int = 64 * 1024**2
    shm_bytes: int = 64 * 1024**2  # SysV shared memory of the sandbox's IPC namespace, and /dev/shm (POSIX)
    cell_output_bytes: int = 200_000
    notebook_output_bytes: int = 2_000_000
    startup_timeout_s: float = 60.0


def bwrap_path() -> str | None:
    """Absolute path of ``bwrap`` or None."""
    return shutil.which("bwrap")


def check_sandbox() -> None:
    """Raise :class:`GradingError` when the sandbox cannot be created on this machine."""
    bw = bwrap_path()
    if bw is None:
        raise GradingError(
            "找不到 bubblewrap(bwrap),无法在沙箱中运行学生代码。请先安装:apt-get install -y bubblewrap",
            "bubblewrap (bwrap) is missing, so student code cannot be sandboxed. Install it: apt-get install -y bubblewrap",
        )
    for tool in ("setpriv", "prlimit"):
        if shutil.which(tool) is None:
            raise GradingError(f"找不到 {tool}(util-linux)。", f"{tool} (util-linux) is missing.")
    probe = [bw, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent"]
    if os.geteuid() != 0:
        probe.append("--unshare-user")
    r = subprocess.run(probe + ["true"], capture_output=True, text=True)
    if r.returncode != 0:
        raise GradingError(
            "bubblewrap 无法创建命名空间(可能是容器禁止了用户命名空间):" + r.stderr.strip(),
            "bubblewrap cannot create namespaces here: " + r.stderr.strip(),
        )


def default_readonly_paths() -> list[Path]:
    """What a kernel needs to read: the Python installation, the venv and importable source trees."""
    paths: list[Path] = [Path(sys.base_prefix), Path(sys.prefix)]
    for entry in sys.path:
        # only installed-package directories: never the current directory or a script's directory
        if not entry or not os.path.isdir(entry) or not ("site-packages" in entry or "dist-packages" in entry):
            continue
        p = Path(entry).resolve()
        if any(_is_relative(p, q) for q in paths):
            continue
        paths.append(p)
    # editable installs register their source tree through a finder mapping
    paths.append(Path(o2o.__file__).resolve().parent.parent)
    out: list[Path] = []
    for p in paths:
        p = p.resolve()
        if str(p) in ("/", "/usr") or any(_is_relative(p, q) for q in out):
            continue
        out = [q for q in out if not _is_relative(q, p)] + [p]
    return out


def assert_hidden(paths: list[Path], secrets: list[Path]) -> None:
    """Refuse to start when a read-only path would expose a secret (course directory, gradebook)."""
    for p in paths:
        for s in secrets:
            s = s.resolve()
            if _is_relative(s, p) or _is_relative(p, s):
                raise GradingError(
                    f"沙箱配置错误:只读路径 {p} 会暴露 {s}。",
                    f"Sandbox misconfigured: read-only path {p} would expose {s}.",
                )


def _is_relative(p: Path, q: Path) -> bool:
    try:
        p.relative_to(q)
        return True
    except ValueError:
        return False


# Copies the student's files in, then starts the kernel in the same interpreter (as ipykernel_launcher
# does, without a second interpreter start). A grading kernel has no debugger: with ``debugpy`` blocked,
# ipykernel skips pydevd, about a third of the kernel's start-up imports; nothing in a submission
# can use a debugger during autograding anyway.
_LAUNCHER = (
    "import os,shutil,sys\n"
    "src='/sandbox/in'\n"
    "for root,dirs,files in os.walk(src):\n"
    "    rel=os.path.relpath(root,src)\n"
    "    os.makedirs(rel,exist_ok=True)\n"
    "    for f in files:\n"
    "        shutil.copyfile(os.path.join(root,f),os.path.join(rel,f))\n"
    "sys.modules['debugpy']=None\n"
    "if sys.path and sys.path[0]=='':\n"
    "    del sys.path[0]\n"
    "sys.argv=['ipykernel_launcher','-f',sys.argv[1],'--HistoryManager.enabled=False','--IPKernelApp.matplotlib=None']\n"
    "del os,shutil,src\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance()\n"
)

WORKDIR = "/home/student/work"

# Runs as root in the sandbox's own IPC namespace (never the host's): one segment at most shm_bytes,
# all segments together at most shm_bytes (shmall counts pages), 16 segments; refuses to start otherwise.
_SHM_LIMITS = ('echo "$1" > /proc/sys/kernel/shmmax && echo "$2" > /proc/sys/kernel/shmall'
               ' && echo 16 > /proc/sys/kernel/shmmni || exit 97; shift 2; exec "$@"')


@dataclass
class Sandbox:
    """Builds the command line that starts a kernel inside the sandbox."""

    uid: int
    runtime_dir: Path
    limits: Limits = field(default_factory=Limits)
    readonly_paths: list[Path] = field(default_factory=default_readonly_paths)
    env: dict[str, str] = field(default_factory=dict)

    def command(self, connection_file: str, staging_dir: Path | None, program: str | None = None) -> list[str]:
        """The sandboxed command of a kernel (``connection_file``), or of the Python ``program`` when given."""
        bw = bwrap_path() or "bwrap"
        lim = self.limits
        args: list[str] = [bw]
        args += ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "lib", "lib64", "sbin", "lib32"):
            target = os.readlink(f"/{name}") if os.path.islink(f"/{name}") else None
            if target:
                args += ["--symlink", target, f"/{name}"]
            elif os.path.isdir(f"/{name}"):
                args += ["--ro-bind", f"/{name}", f"/{name}"]
        args += ["--ro-bind", "/etc", "/etc"]
        args += ["--perms", "1777", "--size", str(lim.tmp_tmpfs_bytes), "--tmpfs", "/tmp"]
        made: set[str] = {"/usr", "/etc", "/tmp"}
        binds = [(str(p), str(p), "ro") for p in self.readonly_paths if p.exists()]
        binds.append((str(self.runtime_dir), str(self.runtime_dir), "rw"))
        if staging_dir is not None:
            binds.append((str(staging_dir), "/sandbox/in", "ro"))
        for src, dest, mode in binds:
            args += self._parents(dest, made)
            args += ["--ro-bind" if mode == "ro" else "--bind", src, dest]
        args += self._parents("/home/student/work", made)
        args += ["--perms", "0777", "--size", str(lim.work_tmpfs_bytes), "--tmpfs", WORKDIR]
        args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(lim.shm_bytes), "--tmpfs", "/dev/shm"]
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        args += ["--hostname", "sandbox", "--die-with-parent", "--new-session"]
        args += ["--chdir", WORKDIR, "--clearenv"]
        env = {
            "HOME": "/home/student",
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "IPYTHONDIR": "/tmp/ipython",
            "MPLCONFIGDIR": "/tmp/mpl",
            "MPLBACKEND": "Agg",
            "NBGRADER_EXECUTION": "autograde",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "PYTHONIOENCODING": "utf-8",
        }
        # an interpreter whose shared library is found through LD_LIBRARY_PATH (the hub's
        # copy of the kit's Python, o2o.hub.userenv) needs it inside too; its lib/ is under
        # sys.base_prefix, which is bound read-only above
        if os.environ.get("LD_LIBRARY_PATH"):
            env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
        env.update(self.env)
        for k, v in env.items():
            args += ["--setenv", k, v]
        if os.geteuid() == 0:
            # still root inside the new IPC namespace: bound its SysV shared memory, then drop to the student uid
            args += ["--", "/bin/sh", "-c", _SHM_LIMITS, "sh", str(lim.shm_bytes), str(max(1, lim.shm_bytes // 4096))]
            args += [shutil.which("setpriv") or "/usr/bin/setpriv",
                     "--reuid", str(self.uid), "--regid", str(self.uid), "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        else:
            args[1:1] = ["--unshare-user", "--uid", "65534", "--gid", "65534"]
            args += ["--"]
        args += [shutil.which("prlimit") or "/usr/bin/prlimit",
                 f"--as={lim.memory_bytes}", f"--nproc={lim.nproc}", f"--fsize={lim.file_bytes}",
                 f"--nofile={lim.nofile}", "--core=0", "--"]
        args += [sys.executable, "-c", program] if program else [sys.executable, "-c", _LAUNCHER, connection_file]
        return args

    @staticmethod
    def _parents(dest: str, made: set[str]) -> list[str]:
        out: list[str] = []
        parts = Path(dest).parts
        for i in range(2, len(parts)):
            d = str(Path(*parts[:i]))
            if d not in made:
                made.add(d)
                out += ["--perms", "0755", "--dir", d]
        return out
