"""The ``o2o`` command line: bilingual help, bilingual errors, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import o2o.casegen
import o2o.data
from o2o import cli
from o2o.casegen import commands as data_commands
from o2o.errors import DataError, O2OError

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")


def run_o2o(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the installed ``o2o`` console script (what ``make`` calls)."""
    script = Path(sys.executable).parent / "o2o"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "o2o"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def assert_bilingual(text: str) -> None:
    assert CJK.search(text), f"no Chinese in:\n{text}"
    assert ENGLISH.search(text), f"no English in:\n{text}"


def available_commands() -> list[str]:
    return [name for name, (module, _) in cli.COMMANDS.items() if importlib.util.find_spec(module)]


# --------------------------------------------------------------------------- help


def test_top_level_help_is_bilingual_and_lists_commands() -> None:
    result = run_o2o("--help")
    assert result.returncode == 0, result.stderr
    assert_bilingual(result.stdout)
    assert "用法 / usage" in result.stdout
    for name in available_commands():
        assert re.search(rf"^\s+{name}\s", result.stdout, re.M), f"{name} missing from help"


def test_no_arguments_prints_help() -> None:
    result = run_o2o()
    assert result.returncode == 0
    assert "命令 / commands" in result.stdout


def test_python_dash_m_o2o_works() -> None:
    result = subprocess.run([sys.executable, "-m", "o2o", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip().startswith("o2o ")


def run_in_process(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    """``cli.main`` in this process (fast); argparse's exits become the exit code."""
    try:
        code = cli.main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "args",
    [["data"], ["data", "build"], ["data", "ensure"], ["data", "check"], ["data", "info"], ["lab"]],
    ids=" ".join,
)
def test_command_help_is_bilingual(args: list[str], capsys: pytest.CaptureFixture) -> None:
    code, out, err = run_in_process([*args, "--help"], capsys)
    assert code == 0, err
    assert_bilingual(out)
    assert "显示帮助并退出 / show this help and exit" in out


def test_every_available_command_module_imports_and_registers() -> None:
    """Lazy loading must not hide a broken command module: import each one here."""
    for name in available_commands():
        module = importlib.import_module(cli.COMMANDS[name][0])
        parser = cli.BilingualArgumentParser(prog="o2o")
        module.register(parser.add_subparsers(dest="command"))

@pytest.mark.parametrize("name", available_commands())
def test_every_available_command_has_bilingual_help(name: str, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run_in_process([name, "--help"], capsys)
    assert code == 0, f"o2o {name} --help failed:\n{err}"
    assert_bilingual(out)


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["data", "build", "--scale", "0"],
        ["data", "build", "--scale", "many"],
        ["data", "build", "--seed", "-1"],
        ["data", "build", "--no-such-option"],
        ["data", "frobnicate"],
        ["lab", "--port", "70000"],
        ["lab", "--port"],
    ],
    ids=" ".join,
)
def test_bad_arguments_give_a_bilingual_message_and_exit_2(args: list[str], capsys: pytest.CaptureFixture) -> None:
    code, _, err = run_in_process(args, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert_bilingual(err)
    assert "--help" in err


def test_bad_arguments_in_the_real_command(tmp_path: Path) -> None:
    """The console script itself: bilingual message, exit 2, no traceback."""
    result = run_o2o("data", "build", "--scale", "many")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert_bilingual(result.stderr)


def test_missing_dataset_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_o2o("data", "check", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert_bilingual(result.stderr)
    assert "make data" in result.stderr


def test_build_refuses_to_overwrite_a_foreign_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    code, _, err = run_in_process(["data", "build", "--out", str(tmp_path)], capsys)
    assert code == 1
    assert "Traceback" not in err
    assert_bilingual(err)
    assert keep.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_build_refuses_a_file_as_output(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "file.parquet"
    target.write_bytes(b"x")
    code, _, err = run_in_process(["data", "build", "--out", str(target)], capsys)
    assert code == 1
    assert_bilingual(err)
    assert target.read_bytes() == b"x"


# --------------------------------------------------------------------------- lazy loading and error handling


@pytest.fixture
def fake_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two extra command modules: one that works but fails at run time, one broken at import."""
    (tmp_path / "o2o_fake_ok.py").write_text(
        "def register(subparsers):\n"
        "    p = subparsers.add_parser('fake-ok', help='好 / ok')\n"
        "    p.add_argument('--kind', default='bug')\n"
        "    def run(args):\n"
        "        from o2o.errors import O2OError\n"
        "        if args.kind == 'user':\n"
        "            raise O2OError('用户错误', 'user error')\n"
        "        raise RuntimeError('a bug')\n"
        "    p.set_defaults(func=run)\n",
        encoding="utf-8",
    )
    (tmp_path / "o2o_fake_broken.py").write_text("raise ImportError('broken on purpose')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(cli.COMMANDS, "fake-ok", ("o2o_fake_ok", "好 / ok"))
    monkeypatch.setitem(cli.COMMANDS, "fake-broken", ("o2o_fake_broken", "坏 / broken"))
    yield
    for name in ("o2o_fake_ok", "o2o_fake_broken"):
        sys.modules.pop(name, None)


def test_help_does_not_import_command_modules(fake_commands, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "fake-broken" in out and "fake-ok" in out
    assert "o2o_fake_broken" not in sys.modules


def test_broken_module_breaks_only_its_own_command(fake_commands, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["fake-broken"]) == 1
    err = capsys.readouterr().err
    assert "暂时不可用" in err and "unavailable" in err and "broken on purpose" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["data", "--help"])
    assert exit_info.value.code == 0


def test_user_errors_print_their_message_only(fake_commands, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["fake-ok", "--kind", "user"]) == 1
    assert capsys.readouterr().err.strip() == "用户错误\nuser error"


def test_unexpected_errors_are_short_unless_debugging(
    fake_commands, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("O2O_DEBUG", raising=False)
    assert cli.main(["fake-ok"]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: a bug" in err and "Traceback" not in err
    assert_bilingual(err)
    monkeypatch.setenv("O2O_DEBUG", "1")
    assert cli.main(["fake-ok"]) == 1
    assert "Traceback" in capsys.readouterr().err


# --------------------------------------------------------------------------- o2o data ensure (logic)


class FakeDataAPI:
    """Stands in for o2o.casegen's build and o2o.data's check so ensure's decisions can be tested fast."""

    def __init__(self, folder: Path, valid: bool) -> None:
        self.folder = folder
        self.valid = valid
        self.builds: list[tuple[Path, dict]] = []

    def default_data_dir(self) -> Path:
        return self.folder

    def check(self, path: Path, **options) -> dict:
        if not self.valid:
            raise DataError("数据集损坏", "dataset corrupt")
        return {"rows": {"stores": 7}}

    def build(self, out: Path, **kwargs) -> Path:
        self.builds.append((Path(out), kwargs))
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "meta.json").write_text("{}", encoding="utf-8")
        self.valid = True
        return Path(out)


@pytest.fixture
def fake_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def install(valid: bool) -> FakeDataAPI:
        api = FakeDataAPI(tmp_path / "default", valid)
        for name in ("default_data_dir", "check"):
            monkeypatch.setattr(o2o.data, name, getattr(api, name))
        monkeypatch.setattr(o2o.casegen, "build", api.build)
        return api

    return install


def _ensure() -> int:
    return data_commands.cmd_ensure(argparse.Namespace(quiet=True))


def test_ensure_builds_a_missing_dataset(fake_api) -> None:
    api = fake_api(valid=False)
    assert _ensure() == 0
    assert api.builds == [(api.folder, {"scale": 1, "seed": 2015, "progress": False, "full": False, "replace": False})]


def test_ensure_keeps_a_valid_dataset(fake_api) -> None:
    api = fake_api(valid=True)
    api.folder.mkdir()
    (api.folder / "meta.json").write_text("{}", encoding="utf-8")
    assert _ensure() == 0
    assert api.builds == []


def test_ensure_rebuilds_an_invalid_dataset(fake_api, capsys: pytest.CaptureFixture) -> None:
    api = fake_api(valid=False)
    api.folder.mkdir()
    meta = {"dataset": "o2o-meiyijia-style-synthetic", "files": {"stores.parquet": "0" * 64}}
    (api.folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (api.folder / "stores.parquet").write_bytes(b"corrupt")
    assert _ensure() == 0
    assert len(api.builds) == 1
    assert "dataset corrupt" in capsys.readouterr().out


def test_ensure_never_overwrites_foreign_files(fake_api) -> None:
    api = fake_api(valid=False)
    api.folder.mkdir()
    (api.folder / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(O2OError, match="thesis.docx"):
        _ensure()
    assert api.builds == []
    assert (api.folder / "thesis.docx").read_bytes() == b"precious"


def test_build_default_output_folders(fake_api) -> None:
    api = fake_api(valid=True)
    assert data_commands._default_out(1, False) == api.folder
    assert data_commands._default_out(16, False) == api.folder.parent / "scale-16"
    assert data_commands._default_out(4, True) == api.folder.parent / "scale-4-full"


# --------------------------------------------------------------------------- against the real dataset


@pytest.mark.slow
def test_data_check_and_info_on_the_default_dataset(dataset) -> None:
    """Uses the session's default dataset (built by `make test` / tests/conftest.py)."""
    folder = Path(o2o.data.default_data_dir())
    check = run_o2o("data", "check", str(folder))
    assert check.returncode == 0, check.stderr
    assert_bilingual(check.stdout)
    assert "stores" in check.stdout
    info = run_o2o("data", "info")
    assert info.returncode == 0, info.stderr
    assert str(folder) in info.stdout
