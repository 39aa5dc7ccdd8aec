"""The Voila apps as a JupyterHub service for logged-in people only.

``o2o app`` serves the apps to anyone (:mod:`o2o.apps.server`, locked down for strangers).
Inside a cohort's hub the same server runs as the service ``o2o-apps`` behind the hub's
proxy, and a visitor must be logged in to the hub: JupyterHub's own service OAuth
(:class:`jupyterhub.services.auth.HubOAuth`), through the identity provider JupyterHub's
single-user servers use (``JupyterHubIdentityProvider``), which Voila - a Jupyter Server
application - accepts as its ``identity_provider_class``:

* a visitor without a hub login is sent to the hub's login page, and after logging in
  back to the app;
* a logged-in person is let in only with the scope ``access:services!service=o2o-apps``,
  which the hub grants to the cohort's groups (students, instructors, alumni when
  configured; :func:`o2o.hub.config.services`); instructors, as hub admins, have it too;
* the pages and the kernels' websockets need the login; the static files (the page
  script, plotly's bundle, the template's styles) hold nothing private and stay public.

Options are those of ``python -m o2o.apps.commands``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jupyterhub.singleuser.extension import JupyterHubAuthorizer, JupyterHubIdentityProvider
from jupyterhub.utils import url_path_join

from o2o.apps.commands import build_standalone_parser, settings_from_args
from o2o.apps.server import make_app, prepare_assets, prepare_serving_root
from o2o.errors import HubError


class HubIdentityProvider(JupyterHubIdentityProvider):
    """JupyterHub's OAuth identity provider, as Voila creates it, with its handlers under the service's prefix."""

    def __init__(self, **kwargs):
        # Voila hands its own token setting to the identity provider; with the hub's
        # OAuth there is none (the hub issues each person's token).
        kwargs.pop("token", None)
        super().__init__(**kwargs)

    def get_handlers(self):
        # Voila adds these without its base URL; the hub routes only the service's prefix here.
        prefix = service_prefix()
        return [(url_path_join(prefix, path), *rest) for path, *rest in super().get_handlers()]


def service_prefix() -> str:
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    if not prefix or not os.environ.get("JUPYTERHUB_API_TOKEN"):
        raise HubError("应用服务要由 JupyterHub 启动(缺少 JUPYTERHUB_SERVICE_PREFIX 或 JUPYTERHUB_API_TOKEN)。",
                       "The apps service must be started by JupyterHub (JUPYTERHUB_SERVICE_PREFIX or "
                       "JUPYTERHUB_API_TOKEN is missing).")
    return prefix


def main(argv: list[str] | None = None) -> int:
    service_prefix()
    settings = settings_from_args(build_standalone_parser().parse_args(argv))
    work = Path(tempfile.mkdtemp(prefix="o2o-voila-"))
    try:
        root = prepare_serving_root(settings.apps, dest=work / "apps", extra_notebooks=settings.extra_notebooks)
        assets = prepare_assets(work / "assets", settings.light_frontend)
        app = make_app(settings, root, assets)
        # Voila builds its identity provider and authorizer when it starts: JupyterHub's.
        app.identity_provider_class = HubIdentityProvider
        app.authorizer_class = JupyterHubAuthorizer
        app.start()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
