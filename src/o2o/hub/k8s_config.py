"""Per-role Jupyter configuration baked into the Kubernetes image (``python -m o2o.hub.k8s_config DIR``).

The same role split as on one server (:mod:`o2o.hub.layout`), for pods that all run as
``jovyan``: ``DIR/students`` and ``DIR/instructors`` (selected by the profile's
``JUPYTER_CONFIG_DIR``), each with nbgrader's exchange set to ngshare, whose identity
comes from the person's JupyterHub token; and the Chinese default locale in the
environment's JupyterLab app settings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from o2o.hub.layout import STUDENT_LAB_OFF, STUDENT_SERVER_OFF
from o2o.lab import environment_app_settings_dir, prepare_settings

NGSHARE = ("from ngshare_exchange import configureExchange\n"
           "import os\n"
           "c = get_config()  # noqa: F821\n"
           "c.CourseDirectory.course_id = 'o2o-practice'\n"
           "configureExchange(c, os.environ.get('O2O_NGSHARE_URL', 'http://ngshare:8080/services/ngshare'))\n")


def write(base: Path) -> None:
    for role in ("students", "instructors"):
        folder = base / role
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        student = role == "students"
        server = {"ServerApp": {"jpserver_extensions": {n: False for n in STUDENT_SERVER_OFF} if student else {}}}
        page = {"disabledExtensions": {n: True for n in STUDENT_LAB_OFF} if student else {}}
        (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=2) + "\n", encoding="utf-8")
        (folder / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=2) + "\n", encoding="utf-8")
        (folder / "nbgrader_config.py").write_text(NGSHARE, encoding="utf-8")
    # the image's own app settings folder gets the course's overrides (Chinese by default)
    target = environment_app_settings_dir()
    generated = prepare_settings(base / "runtime")
    target.mkdir(parents=True, exist_ok=True)
    (target / "overrides.json").write_text((generated / "overrides.json").read_text("utf-8"), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]))
