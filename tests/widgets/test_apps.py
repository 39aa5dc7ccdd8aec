"""The app classes compose the widgets; a missing dataset gives a friendly page."""

from __future__ import annotations

import pytest

from o2o.apps.maturity import MaturityApp
from o2o.apps.scene_simulator import SceneSimulatorApp, sample_history
from o2o.apps.store_network import StoreNetworkApp


def test_maturity_app_language_switch():
    app = MaturityApp()
    app._lang.value = "en"
    assert "maturity self-test" in app._header.value
    assert app.assessment.lang == "en"


def test_store_network_app(dataset):
    app = StoreNetworkApp(dataset)
    assert app.network.shown_count == len(dataset.stores)
    assert app._tabs.titles == ("门店地图", "粉丝分层")
    app.set_lang("en")
    assert app._tabs.titles == ("Store map", "Fan tiers")
    before = app._tabs.selected_index
    app._tabs.set_state({"selected_index": 7})
    assert app._tabs.selected_index == before


@pytest.fixture(scope="module")
def simulator(dataset):
    return SceneSimulatorApp(dataset)


def test_simulate_fills_the_radar(simulator):
    assert simulator.dashboard._fig is None  # no figure before the first scene
    simulator.builder._submit.click()
    assert simulator.runs == 1
    r = list(simulator.dashboard._fig.data[0].r)
    assert any(v > 0 for v in r) and all(0 <= v <= 100 for v in r)


def test_same_design_same_scores(simulator):
    simulator.builder._submit.click()
    first = list(simulator.dashboard._fig.data[0].r)
    simulator.builder._submit.click()
    assert list(simulator.dashboard._fig.data[0].r) == first


def test_compare_and_load_history(simulator, dataset):
    rows = sample_history(dataset.scenes)
    assert rows.groupby(["battle", "initiator"]).size().max() == 1
    sid = int(rows["scene_id"].iloc[0])
    simulator.history.pick(sid)
    assert simulator.dashboard._fig.data[1].visible
    simulator.history._load.click()
    assert simulator.builder.scene().battle == rows["battle"].iloc[0]
    simulator.history.pick(0)
    assert not simulator.dashboard._fig.data[1].visible


def test_missing_dataset_gives_a_friendly_page(tmp_path, monkeypatch):
    monkeypatch.setenv("O2O_DATA_DIR", str(tmp_path / "nowhere"))
    page = StoreNetworkApp.launch()
    text = page.children[0].value
    assert "门店网络" in text and "Traceback" not in text
    assert not isinstance(page, StoreNetworkApp)


def test_apps_display_without_errors(dataset):
    for app in (MaturityApp(), StoreNetworkApp(dataset), SceneSimulatorApp(dataset)):
        bundle = app._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle


def test_no_app_widget_asks_for_html_descriptions(dataset, simulator):
    """The apps' page script shows HTML descriptions as text (docs/apps.md): none may rely on them."""
    from o2o.widgets.base import iter_widgets

    simulator.builder._submit.click()  # the dashboard's widgets exist after a first scene
    apps = [simulator, StoreNetworkApp(dataset), MaturityApp()]
    seen = 0
    for app in apps:
        for w in iter_widgets(app):
            seen += 1
            assert not getattr(w, "description_allow_html", False), (type(app).__name__, type(w).__name__)
    assert seen > 100
