# nbgrader configuration for the O2O践行 course (nbgrader 0.9.6).
#
# Use it from this folder (`cd course && nbgrader ...`) or from anywhere with
# `nbgrader <command> --config course/nbgrader_config.py`. Every option below is a
# real nbgrader / nbconvert trait; `nbgrader <command> --help-all` lists them.
#
# Environment overrides (useful on a JupyterHub or for a practice run):
#   O2O_COURSE_ROOT      course root (default: the repository's assignments/ folder)
#   O2O_EXCHANGE_ROOT    exchange folder for release/collect (default: <root>/exchange)
#   O2O_DATA_DIR         dataset the notebooks load (read by the o2o package itself)
#   O2O_COURSE_SECRET_FILE  the course secret that gives every student their own data variant
#                        (`o2o variant secret --out FILE`; see docs/variants.md); or set it here:
#                        c.O2O.variant_secret_file = ".o2o-variant-secret"   (relative to this folder)

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from o2o.assignments.feedback import ShortTestErrors
from o2o.grading.feedback import SanitizeFeedback

c = get_config()  # noqa: F821  (provided by traitlets when this file is loaded)

_here = os.path.dirname(os.path.abspath(__file__))
_root = os.path.abspath(
    os.environ.get("O2O_COURSE_ROOT") or os.path.join(_here, "..", "assignments")
)

# ---------------------------------------------------------------- the course
c.CourseDirectory.course_id = "o2o-practice"
# source/<assignment>/, release/, submitted/<student>/<assignment>/, autograded/,
# feedback/ and gradebook.db all live under this root (all but source/ are git-ignored).
c.CourseDirectory.root = _root
c.Exchange.root = os.path.abspath(
    os.environ.get("O2O_EXCHANGE_ROOT") or os.path.join(_root, "exchange")
)
c.Exchange.path_includes_course = True
# Due dates and submission times are read and shown in China Standard Time.
c.Exchange.timezone = "Asia/Shanghai"
c.NbGraderAPI.timezone = "Asia/Shanghai"

# Files never copied into releases, submissions or feedback. Students work on the
# shared dataset; a copy inside a submission is ignored, not graded.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    ".DS_Store",
    "*.parquet",
    "*.db",
    "*.db-journal",
    ".~*",
]
# Files larger than this (kB) are skipped with a warning when nbgrader copies a folder.
c.CourseDirectory.max_file_size = 10000
c.CourseDirectory.max_dir_size = 50000

# ---------------------------------------------------------------- generate
# Stubs students see in place of the solutions (nbgrader keeps the "raise" so an
# untouched answer cell fails loudly rather than silently passing).
c.ClearSolutions.code_stub = {
    "python": "# 在这里写你的代码,然后删除下面这一行 (YOUR CODE HERE)\nraise NotImplementedError()"
}
c.ClearSolutions.text_stub = "在这里写你的回答。(YOUR ANSWER HERE)"

# ---------------------------------------------------------------- autograde
# Per-cell wall clock: loading the dataset and simulating a three-scene plan take a few
# seconds; a minute per cell leaves room for a slow shared server.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0
# Output limits: the autograded notebook, the feedback and formgrader stay readable
# whatever a submission prints.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40
# Library warnings printed on stderr would otherwise zero a test cell (nbgrader counts
# any stderr output in a grade cell as a failure). Only warning lines are dropped.
c.IgnorePattern.pattern = r"(?m)^.*(DeprecationWarning|FutureWarning|PendingDeprecationWarning|PerformanceWarning|UserWarning|RuntimeWarning):"

# Late policy: 15 minutes' grace, then 10% of the earned score per started day, at
# most 50% (see o2o/assignments/late.py). Due dates are set per assignment in
# formgrader ("Manage Assignments") or with `nbgrader db assignment add NAME --duedate=...`.
c.AssignLatePenalties.plugin_class = "o2o.assignments.late.SubMarks"
c.SubMarks.grace_minutes = 15
c.SubMarks.percent_per_day = 10
c.SubMarks.max_percent = 50

# ---------------------------------------------------------------- feedback
# Feedback is HTML a student opens in a browser: hidden tests are replaced by a one-line
# note, outputs are reduced to text and images, student markdown is escaped
# (SanitizeFeedback), test cells' tracebacks - which quote the hidden tests' lines - are
# cut to their message (ShortTestErrors), and nbconvert sanitizes whatever HTML is left.
c.HTMLExporter.sanitize_html = True
c.GenerateFeedback.preprocessors = [GetGrades, ShortTestErrors, SanitizeFeedback, CSSHTMLHeaderPreprocessor]
