"""JupyterHub's configuration file for a cohort hub (``jupyterhub -f`` this file).

``o2o hub start`` passes the state folder in ``O2O_HUB_STATE``; everything else is in
that folder's ``hub.json`` and applied by :func:`o2o.hub.config.configure`.
"""

import os

from o2o.hub.config import configure
from o2o.hub.settings import HubSettings

configure(get_config(), HubSettings.load(os.environ["O2O_HUB_STATE"]))  # noqa: F821
