"""The cohort hub: one JupyterHub for a class on one server (``o2o hub``).

Modules, from the pure to the system-facing:

* ``settings``  the hub's settings and the layout of its state folder;
* ``roster``    reading and checking the roster CSV (pure);
* ``accounts``  Unix accounts, groups, nbgrader student records and the roster record
  (people who left are blocked, never deleted);
* ``lessons``   each student's lesson copy, made at roster import;
* ``hubapi``    a changed roster told to the running hub through its REST API;
* ``login``     first-use login with its bcrypt off the hub's event loop;
* ``apps_service`` the Voila apps as a hub service behind the hub's OAuth;
* ``layout``    the state folder: course directory, exchange, per-role Jupyter config;
* ``exchange``  nbgrader exchange classes that make the file system carry identities;
* ``config``    the JupyterHub configuration (loaded by ``jupyterhub_config.py``);
* ``singleuser`` what runs as the student before their server: limits, lesson sync;
* ``state``     backup and restore of the state folder;
* ``commands``  the ``o2o hub`` command line.
"""
