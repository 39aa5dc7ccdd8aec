"""`o2o app`: arguments, the locked-down configuration, and the serving root."""

from __future__ import annotations

import pytest

from o2o.apps import commands
from o2o.apps.server import APP_NOTEBOOKS, NEEDED_EXTENSIONS, ServerSettings, build_config, prepare_serving_root
from o2o.cli import main
from o2o.errors import O2OError


def _parse(argv):
    return commands.settings_from_args(commands.build_standalone_parser().parse_args(argv))


def test_arguments():
    s = _parse(["maturity", "--port", "9001", "--max-kernels", "5", "--cull-idle", "60", "--no-preheat"])
    assert (s.apps, s.port, s.max_kernels, s.cull_idle_timeout, s.preheat) == (("maturity",), 9001, 5, 60, False)
    assert _parse([]).apps == tuple(APP_NOTEBOOKS)
    with pytest.raises(SystemExit):  # refused by argparse, before anything starts
        _parse(["--port", "0"])


def test_cli_help_lists_the_apps(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["app", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "scene-simulator" in out and "--max-kernels" in out


def test_locked_down_configuration():
    c = build_config(ServerSettings(pool_size=2, max_kernels=7, cull_idle_timeout=120))
    vc = c.VoilaConfiguration
    assert vc.strip_sources is True and vc.show_tracebacks is False
    assert vc.file_allowlist == [] and vc.file_denylist == [r".*"]
    assert vc.extension_allowlist == list(NEEDED_EXTENSIONS)
    assert not any("nbgrader" in e or "plotly" in e for e in vc.extension_allowlist)
    assert vc.preheat_kernel is True and vc.default_pool_size == 2
    assert c.MappingKernelManager.cull_idle_timeout == 120 and c.MappingKernelManager.cull_connected is True
    assert c.BoundedKernelManager.max_kernels == 7
    assert c.Voila.tornado_settings["compress_response"] is True


def test_serving_root_holds_only_the_apps(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "stale.parquet").write_text("x")
    prepare_serving_root(("maturity", "store-network"), dest=root)
    assert sorted(p.name for p in root.iterdir()) == sorted([APP_NOTEBOOKS["maturity"], APP_NOTEBOOKS["store-network"]])
    with pytest.raises(O2OError, match="没有这个应用"):
        prepare_serving_root(("nope",), dest=root)
