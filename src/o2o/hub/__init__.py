"""The cohort hub: one JupyterHub for a class on one server (``o2o hub``).

Modules, from the pure to the system-facing:

* ``settings``  the hub's settings and the layout of its state folder;
* ``roster``    reading and checking the roster CSV (pure);
* ``accounts``  Unix accounts, groups and nbgrader student records from a roster;
* ``layout``    the state folder: course directory, exchange, per-role Jupyter config;
* ``exchange``  nbgrader exchange classes that make the file system carry identities;
* ``config``    the JupyterHub configuration (loaded by ``jupyterhub_config.py``);
* ``singleuser`` what runs as the student before their server: limits, lesson sync;
* ``state``     backup and restore of the state folder;
* ``commands``  the ``o2o hub`` command line.
"""
