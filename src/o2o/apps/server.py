"""Voila, set up to serve the course's apps to strangers.

The alumni apps run on a public Voila server, so the server is locked down here rather
than in a config file that someone could forget to copy:

* it serves a dedicated directory that holds *only* the app notebooks (fresh copies made
  at start-up), so no dataset file, lesson source, assignment solution or gradebook is
  under its root whatever the spelling of a path;
* no static file is downloadable from that root (``/voila/files`` refuses everything);
* sources are stripped from the pages and tracebacks are logged, never shown;
* only the three front-end extensions the apps need are loaded (the widget managers and
  anywidget, which plotly's ``FigureWidget`` uses); nbgrader's, the plotly renderer's and
  every other JupyterLab extension stay out of the page;
* kernels accept only widget (comm) messages: a raw ``execute_request`` is dropped by
  Voila before it reaches the kernel;
* idle kernels are culled, the number of kernels is bounded, and a pool of kernels is
  preheated (the notebook already executed) so the first page is quick;
* HTTP responses and websocket messages are compressed.

:func:`build_config` returns all of this as a traitlets ``Config``; :func:`serve` runs it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from o2o.errors import O2OError
from o2o.kernel_env import MALLOC_ENV, kernel_env

# The front-end extensions the apps need. Everything else installed in the environment
# (nbgrader's lab extension, jupyterlab-plotly's renderer, the notebook extension, the
# Voila preview, pygments theme, ...) is kept out of the app pages.
NEEDED_EXTENSIONS: tuple[str, ...] = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "anywidget",
)

# name used on the command line -> notebook file in the apps directory
APP_NOTEBOOKS: dict[str, str] = {
    "scene-simulator": "场景模拟器.ipynb",
    "store-network": "门店网络.ipynb",
    "maturity": "O2O成熟度自测.ipynb",
}

log = logging.getLogger("o2o.apps")


@dataclass
class ServerSettings:
    """Everything an operator may tune; the defaults suit a small public server."""

    port: int = 8866
    ip: str = "127.0.0.1"
    preheat: bool = True
    pool_size: int = 1  # preheated kernels kept ready per app
    cull_idle_timeout: int = 900  # seconds a kernel may stay idle before it is shut down
    cull_interval: int = 60  # how often idle kernels are looked for
    max_kernels: int = 30  # a bound on live kernels (preheated ones included)
    memory_reserve_mb: int = 512  # free memory kept after a new kernel; 0: no check
    kernel_memory_mb: int = 250  # what one app kernel is expected to take
    meminfo: str = "/proc/meminfo"  # where free memory is read
    compress: bool = True
    open_browser: bool = False
    log_level: str = "WARN"
    apps: tuple[str, ...] = tuple(APP_NOTEBOOKS)
    extra_notebooks: tuple[Path, ...] = field(default_factory=tuple)  # used by benchmarks/tests
    light_frontend: bool = True  # the apps' own page script; False: Voila's JupyterLab front end


class AppsNotFound(O2OError):
    """The app notebooks cannot be found."""


def find_apps_dir() -> Path:
    """The ``widgets/`` directory holding the app notebooks.

    ``O2O_APPS_DIR`` wins; else the first ``widgets/`` holding the simulator found by
    walking up from the current directory; else the one next to the package source.
    """
    marker = APP_NOTEBOOKS["scene-simulator"]
    env = os.environ.get("O2O_APPS_DIR")
    candidates: list[Path] = [Path(env)] if env else []
    here = Path.cwd().resolve()
    candidates += [p / "widgets" for p in (here, *here.parents)]
    candidates.append(Path(__file__).resolve().parents[3] / "widgets")
    for cand in candidates:
        if (cand / marker).is_file():
            return cand
    raise AppsNotFound(
        "找不到应用笔记本(widgets/ 目录)。请在课程目录里运行,或设置 O2O_APPS_DIR。",
        "The app notebooks (the widgets/ directory) were not found. Run from the course "
        "directory or set O2O_APPS_DIR.",
    )


def prepare_serving_root(
    apps: tuple[str, ...] = tuple(APP_NOTEBOOKS),
    dest: Path | None = None,
    apps_dir: Path | None = None,
    extra_notebooks: tuple[Path, ...] = (),
) -> Path:
    """Make a directory holding copies of the chosen app notebooks and nothing else."""
    unknown = [a for a in apps if a not in APP_NOTEBOOKS]
    if unknown:
        raise AppsNotFound(
            f"没有这个应用:{', '.join(unknown)}。可选:{', '.join(APP_NOTEBOOKS)}。",
            f"No such app: {', '.join(unknown)}. Choose from: {', '.join(APP_NOTEBOOKS)}.",
        )
    src = apps_dir or (find_apps_dir() if apps else None)
    root = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="o2o-apps-"))
    root.mkdir(parents=True, exist_ok=True)
    for leftover in root.iterdir():  # the root must hold the apps only
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
    for app in apps:
        shutil.copyfile(src / APP_NOTEBOOKS[app], root / APP_NOTEBOOKS[app])
    for nb in extra_notebooks:
        shutil.copyfile(nb, root / Path(nb).name)
    return root


PLOTLY_DIR = "o2o-plotly"


def plotly_bundle() -> Path:
    """plotly's widget bundle (its front-end code) as installed."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"


def plotly_asset() -> str:
    """Where the server serves plotly's bundle: a name holding its content hash, so a browser may
    keep it for a year (``Cache-Control: immutable``) and a return visit loads it from its cache."""
    import hashlib

    with open(plotly_bundle(), "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()[:16]
    return f"{PLOTLY_DIR}/widgetbundle.{digest}.js"
TEMPLATE = "o2o"
# the apps' own page script (built from frontend/ by ``make frontend``, committed)
STATIC = Path(__file__).resolve().parent / "static"
PAGE_SCRIPT = ("o2o-app.js", "o2o-app.css")
# Voila's lab template: its page script, and the block our stylesheet goes into
_VOILA_SCRIPT = "{{ voila_setup_labextensions(resources.base_url, resources.labextensions) }}"
_CSS_BLOCK = "{%- block notebook_css -%}"


# the page a refused visitor sees (kernel limit or memory reserve, see o2o.apps.kernels): the
# server's own bilingual sentence ("中文 / English"), one paragraph per language
BUSY_PAGE = """{% extends "error.html" %}
{% block error_detail %}
  {% for line in message.split(" / ") %}<p style="max-width:36em;margin:1em auto">{{ line | e }}</p>{% endfor %}
{% endblock %}
"""


def page_template(lab_index: str, light_frontend: bool = True) -> str:
    """Our page template, made from the text of Voila's ``lab`` template.

    Links to font CDNs are dropped (the apps work offline and load nothing from other
    sites). With ``light_frontend`` the page loads the apps' own script (one file: kernel
    connection, widget manager, the controls, output and anywidget) instead of Voila's
    JupyterLab-based front end (about 90 script chunks).
    """
    kept = [line for line in lab_index.splitlines() if "cdn.jsdelivr.net" not in line and "://cdn" not in line]
    text = "\n".join(kept) + "\n"
    if not light_frontend:
        return text
    if _VOILA_SCRIPT not in text or _CSS_BLOCK not in text:
        raise AppsNotFound("Voila 的 lab 模板和预期的不一样,无法换上应用自己的页面脚本。",
                           "Voila's lab template is not as expected; the apps' page script cannot be put in.")
    text = text.replace(_VOILA_SCRIPT, '{{ resources.include_js("static/o2o-app.js") }}')
    return text.replace(_CSS_BLOCK, _CSS_BLOCK + '\n  {{ resources.include_css("static/o2o-app.css") }}', 1)


def prepare_assets(dest: Path, light_frontend: bool = True) -> Path:
    """Write the server's own front-end assets under ``dest`` (outside the serving root).

    * ``labextensions/o2o-plotly/widgetbundle.<hash>.js``: plotly's widget bundle, served over
      HTTP (compressed, cached for a year under its content hash) instead of inside every
      figure's widget state;
    * ``data/voila/templates/o2o``: the page template (see :func:`page_template`) and the
      apps' page script.
    """
    from jupyter_core.paths import jupyter_path

    dest.mkdir(parents=True, exist_ok=True)
    target = dest / "labextensions" / plotly_asset()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plotly_bundle(), target)

    lab_index = next(
        (Path(p) / "lab" / "index.html.j2" for p in jupyter_path("voila", "templates")
         if (Path(p) / "lab" / "index.html.j2").is_file()),
        None,
    )
    if lab_index is None:
        raise AppsNotFound("找不到 Voila 的 lab 模板。", "Voila's lab template was not found.")
    tdir = dest / "data" / "voila" / "templates" / TEMPLATE
    (tdir / "static").mkdir(parents=True, exist_ok=True)
    text = page_template(lab_index.read_text(encoding="utf-8"), light_frontend)
    (tdir / "index.html.j2").write_text(text, encoding="utf-8")
    (tdir / "conf.json").write_text('{"base_template": "lab"}\n', encoding="utf-8")
    (tdir / "503.html").write_text(BUSY_PAGE, encoding="utf-8")
    if light_frontend:
        missing = [name for name in PAGE_SCRIPT if not (STATIC / name).is_file()]
        if missing:
            raise AppsNotFound(
                f"缺少应用的页面脚本({', '.join(missing)})。请运行 make frontend,或重新安装课程包。",
                f"The apps' page script is missing ({', '.join(missing)}). Run `make frontend` or reinstall the package.",
            )
        for name in PAGE_SCRIPT:
            shutil.copyfile(STATIC / name, tdir / "static" / name)
    return dest


def data_dir_for_kernels() -> str | None:
    """The dataset directory the kernels should use (they run outside the course tree)."""
    if os.environ.get("O2O_DATA_DIR"):
        return os.environ["O2O_DATA_DIR"]
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if (p / "datasets" / "default").is_dir():
            return str(p / "datasets" / "default")
    return None


def build_config(settings: ServerSettings) -> Any:
    """The traitlets configuration of the locked-down server."""
    from traitlets.config import Config

    c = Config()
    c.Voila.port = settings.port
    c.Voila.ip = settings.ip
    c.Voila.open_browser = settings.open_browser
    c.Voila.token = ""  # public apps; nothing behind them is private
    c.Voila.log_level = settings.log_level
    c.Voila.port_retries = 0
    c.Voila.tornado_settings = {
        "compress_response": settings.compress,
        "websocket_compression_options": {} if settings.compress else None,
        # the pages must not be framed by other sites
        "headers": {"X-Content-Type-Options": "nosniff",
                    "Content-Security-Policy": "frame-ancestors 'self'"},
        # plotly's bundle is served under its content hash (see plotly_asset): cached for a year
        "static_immutable_cache": [f"/voila/labextensions/{PLOTLY_DIR}/"],
    }
    vc = c.VoilaConfiguration
    vc.strip_sources = True
    vc.show_tracebacks = False
    vc.file_allowlist = []  # /voila/files serves nothing: the apps need no files
    vc.file_denylist = [r".*"]
    vc.extension_language_mapping = {}  # only .ipynb are rendered, never .py or others
    vc.extension_allowlist = list(NEEDED_EXTENSIONS)
    vc.extension_denylist = []
    vc.preheat_kernel = settings.preheat
    vc.default_pool_size = settings.pool_size if settings.preheat else 0
    vc.multi_kernel_manager_class = "o2o.apps.kernels.BoundedKernelManager"
    vc.show_margins = True
    vc.template = TEMPLATE
    c.MappingKernelManager.cull_idle_timeout = settings.cull_idle_timeout
    c.MappingKernelManager.cull_interval = settings.cull_interval
    c.MappingKernelManager.cull_connected = True  # an open but idle tab is culled too
    c.MappingKernelManager.cull_busy = False
    c.BoundedKernelManager.max_kernels = settings.max_kernels
    c.BoundedKernelManager.memory_reserve_mb = settings.memory_reserve_mb
    c.BoundedKernelManager.kernel_memory_mb = settings.kernel_memory_mb
    c.BoundedKernelManager.meminfo_path = settings.meminfo
    env = {k: v for k, v in kernel_env().items() if k in MALLOC_ENV}
    data_dir = data_dir_for_kernels()
    if data_dir:
        env["O2O_DATA_DIR"] = data_dir
    c.VoilaKernelManager.default_env_variables = env
    # refill the pool a little after a visitor took a kernel: starting the next kernel (data
    # loading) right away would compete with that visitor's first seconds on a small server
    c.VoilaKernelManager.fill_delay = 20.0
    return c


def make_app(settings: ServerSettings, root: Path, assets: Path):
    """An initialised (not yet started) Voila application serving ``root``.

    ``assets`` is a directory made by :func:`prepare_assets` (outside ``root``).
    """
    from voila.app import Voila

    config = build_config(settings)
    config.VoilaConfiguration.extra_labextensions_path = [str(assets / "labextensions")]
    data_path = str(assets / "data")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [data_path, *[p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]])
    # figures in the kernels fetch plotly's bundle from the server (see o2o.widgets.figure)
    os.environ["O2O_PLOTLY_ESM"] = plotly_asset()

    class O2OVoila(Voila):
        """Voila with compression, our configuration on top of any config file, and no
        contents listing of the serving root beyond the notebooks' names."""

        def load_config_file(self, *args: Any, **kwargs: Any) -> None:
            super().load_config_file(*args, **kwargs)
            self.update_config(config)  # ours wins over any voila.json on the machine

        def init_settings(self):  # noqa: D401 - tornado settings
            s = super().init_settings()
            s.update(config.Voila.tornado_settings)
            return s

    # kernels started for visitors inherit the server's environment
    for key, value in config.VoilaKernelManager.default_env_variables.items():
        os.environ.setdefault(key, value)
    app = O2OVoila(config=config)
    app.initialize([str(root)])
    return app


def serve(settings: ServerSettings) -> None:
    """Prepare the serving root and run the server until interrupted."""
    work = Path(tempfile.mkdtemp(prefix="o2o-voila-"))
    root = prepare_serving_root(settings.apps, dest=work / "apps", extra_notebooks=settings.extra_notebooks)
    assets = prepare_assets(work / "assets", settings.light_frontend)
    try:
        app = make_app(settings, root, assets)
        app.start()
    finally:
        shutil.rmtree(work, ignore_errors=True)

