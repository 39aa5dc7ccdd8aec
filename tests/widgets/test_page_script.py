"""The apps' own page script: built from ``frontend/``, put into the page template."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from o2o.apps import commands, server
from o2o.apps.server import AppsNotFound, page_template, prepare_assets

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
STAMP = server.STATIC / "o2o-app.stamp.json"


def _lab_template() -> str:
    from jupyter_core.paths import jupyter_path

    for p in jupyter_path("voila", "templates"):
        f = Path(p) / "lab" / "index.html.j2"
        if f.is_file():
            return f.read_text(encoding="utf-8")
    raise AssertionError("Voila's lab template is not installed")


def test_committed_bundle_was_built_from_the_committed_sources():
    """Editing frontend/ without `make frontend` (which rewrites the stamp) fails here."""
    recorded = json.loads(STAMP.read_text(encoding="utf-8"))["sources"]
    current = ["build.mjs", "package.json", "package-lock.json",
               *sorted(f"src/{p.name}" for p in (FRONTEND / "src").iterdir())]
    assert sorted(recorded) == sorted(current), "frontend/ files changed: run `make frontend`"
    for name in current:
        digest = hashlib.sha256((FRONTEND / name).read_bytes()).hexdigest()
        assert recorded[name] == digest, f"{name} changed since the bundle was built: run `make frontend`"


def test_bundle_holds_the_manager_and_the_widget_modules():
    js = (server.STATIC / "o2o-app.js").read_text(encoding="utf-8")
    assert len(js) > 200_000
    for needle in ("application/vnd.voila.cell-output+json", "jupyter-config-data", "jupyter.widget",
                   "@jupyter-widgets/controls", "@jupyter-widgets/output", "AnyModel"):
        assert needle in js, needle
    # nothing fetched from other sites, no chunk loading of Voila's front end
    for needle in ("cdn.jsdelivr.net", "unpkg.com", "voila/static/"):
        assert needle not in js, needle
    # sanitize-html (and postcss with it) is replaced by escaping: see frontend/src/escape-html.js
    assert "disallowedTagsMode" not in js and "CssSyntaxError" not in js
    css = (server.STATIC / "o2o-app.css").read_text(encoding="utf-8")
    assert ".widget-slider" in css and "--jp-widgets-" in css and "#o2o-notice" in css


def test_bundled_packages_come_with_their_licences():
    text = (server.STATIC / "o2o-app.LICENSES.txt").read_text(encoding="utf-8")
    for pkg in ("@jupyter-widgets/controls", "@jupyter-widgets/base-manager", "@jupyterlab/services",
                "@lumino/widgets", "anywidget", "jquery", "backbone"):
        assert f"\n{pkg} " in text or text.startswith(f"{pkg} "), pkg
    assert "Permission is hereby granted" in text and "Redistribution and use" in text


def test_page_template_swaps_voilas_front_end_for_the_page_script():
    lab = _lab_template()
    light = page_template(lab)
    assert 'include_js("static/o2o-app.js")' in light and 'include_css("static/o2o-app.css")' in light
    assert "voila_setup_labextensions(resources.base_url" not in light
    assert "cdn.jsdelivr.net" not in light and "://cdn" not in light
    full = page_template(lab, light_frontend=False)
    assert "voila_setup_labextensions(resources.base_url" in full and "o2o-app.js" not in full
    assert "cdn.jsdelivr.net" not in full


def test_an_unexpected_template_is_refused_with_a_message():
    with pytest.raises(AppsNotFound) as exc:
        page_template("{% block body %}{% endblock %}")
    assert "模板" in exc.value.zh and "template" in exc.value.en


def test_assets_carry_the_page_script(tmp_path):
    prepare_assets(tmp_path / "a")
    tdir = tmp_path / "a" / "data" / "voila" / "templates" / "o2o"
    for name in server.PAGE_SCRIPT:
        assert (tdir / "static" / name).read_bytes() == (server.STATIC / name).read_bytes()
    prepare_assets(tmp_path / "b", light_frontend=False)
    assert not (tmp_path / "b" / "data" / "voila" / "templates" / "o2o" / "static" / "o2o-app.js").exists()


def test_a_missing_page_script_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "STATIC", tmp_path / "nothing")
    with pytest.raises(AppsNotFound) as exc:
        prepare_assets(tmp_path / "a")
    assert "make frontend" in exc.value.zh and "o2o-app.js" in exc.value.en


def test_voila_frontend_switch():
    parse = commands.build_standalone_parser().parse_args
    assert commands.settings_from_args(parse([])).light_frontend is True
    assert commands.settings_from_args(parse(["--voila-frontend"])).light_frontend is False
