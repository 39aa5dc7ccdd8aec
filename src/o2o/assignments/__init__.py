"""Graded assignments of the course (nbgrader) and the code their notebooks share.

* :mod:`o2o.assignments.checks` — the public checks students see in each notebook;
* :mod:`o2o.assignments.late` — the course's late-submission policy (an nbgrader plugin);
* :mod:`o2o.assignments.catalog` — which assignments exist and what each is worth.

The notebooks themselves live in ``assignments/source/<name>/<name>.ipynb``.
"""

ASSIGNMENTS: tuple[str, ...] = (
    "m1-o2o-basics",
    "m2-touchpoints",
    "m3-scenes",
    "m4-fivew",
    "m5-rights",
    "m6-cross-industry",
    "capstone",
)
