"""pyproject.toml and environment.yml must list the same packages at the same versions.

pyproject.toml (runtime dependencies + the ``test`` extra) is what ``make`` installs;
environment.yml is the conda-forge alternative. Names are compared after
normalisation (case, ``-``/``_``/``.``) and after mapping the few packages whose
conda-forge name differs from their PyPI name.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"duckdb": "python-duckdb"}
# Entries of environment.yml that are not packages of pyproject.toml.
ENV_ONLY = {"python", "pip"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(==|=|\s)\s*([^\s,;]+)\s*$")


def parse_pin(spec: str) -> tuple[str, str]:
    """``"pkg==1.2"`` / ``"pkg=1.2"`` / ``"pkg 1.2"`` -> ``("pkg", "1.2")``; anything else fails."""
    match = _PIN.match(spec)
    if not match or (match.group(2) == "=" and match.group(3).startswith("=")):
        raise ValueError(f"not an exact pin: {spec!r}")
    return normalise(match.group(1)), match.group(3)


def pyproject_pins(text: str) -> dict[str, str]:
    project = tomllib.loads(text)["project"]
    specs = list(project.get("dependencies", [])) + list(project.get("optional-dependencies", {}).get("test", []))
    pins: dict[str, str] = {}
    for spec in specs:
        name, version = parse_pin(spec.split(";")[0])
        if name in pins:
            raise ValueError(f"{name} listed twice in pyproject.toml")
        pins[name] = version
    return pins


def environment_pins(text: str) -> dict[str, str]:
    """Pins of environment.yml, conda-forge names mapped back to PyPI names."""
    env = yaml.safe_load(text)
    from_conda = {normalise(v): normalise(k) for k, v in CONDA_NAMES.items()}
    pins: dict[str, str] = {}
    entries: list[str] = []
    for item in env.get("dependencies", []):
        if isinstance(item, dict):
            entries.extend(s for s in item.get("pip", []) if not s.startswith("-"))
        else:
            entries.append(item)
    for spec in entries:
        head = re.split(r"[<>=!\s]", spec, maxsplit=1)[0]
        if normalise(head) in ENV_ONLY:
            continue
        name, version = parse_pin(spec)
        name = from_conda.get(name, name)
        if name in pins:
            raise ValueError(f"{name} listed twice in environment.yml")
        pins[name] = version
    return pins


def disagreements(pyproject_text: str, environment_text: str) -> list[str]:
    """Human-readable differences between the two files (empty when they agree)."""
    left, right = pyproject_pins(pyproject_text), environment_pins(environment_text)
    problems = []
    for name in sorted(left.keys() - right.keys()):
        problems.append(f"{name}=={left[name]} is in pyproject.toml but not in environment.yml")
    for name in sorted(right.keys() - left.keys()):
        problems.append(f"{name}=={right[name]} is in environment.yml but not in pyproject.toml")
    for name in sorted(left.keys() & right.keys()):
        if left[name] != right[name]:
            problems.append(f"{name}: pyproject.toml pins {left[name]}, environment.yml pins {right[name]}")
    return problems


# --------------------------------------------------------------------------- the real files


def test_pyproject_and_environment_agree() -> None:
    problems = disagreements((ROOT / "pyproject.toml").read_text("utf-8"), (ROOT / "environment.yml").read_text("utf-8"))
    assert not problems, "pyproject.toml and environment.yml disagree:\n" + "\n".join(problems)


def test_environment_uses_conda_forge_and_installs_the_kit() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    assert env["channels"] == ["conda-forge"]
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict) and "pip" in item)
    assert "-e ." in pip


def test_python_requirement_agrees() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    python = [d for d in env["dependencies"] if isinstance(d, str) and re.match(r"python\b(?!-)", d)]
    assert python == ["python" + project["requires-python"].replace(" ", "")]


def test_chinese_language_pack_is_a_dependency() -> None:
    """`make lab` opens in Chinese only if the language pack is installed."""
    pins = pyproject_pins((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "jupyterlab-language-pack-zh-cn" in pins


# --------------------------------------------------------------------------- the checker itself

PYPROJECT = """
[project]
name = "x"
dependencies = ["Foo_Bar==1.0", "duckdb==2.0.0"]
[project.optional-dependencies]
test = ["pytest==9.2.0"]
"""

ENVIRONMENT = """
channels: [conda-forge]
dependencies:
  - python>=3.11
  - pip
  - foo-bar==1.0
  - python-duckdb=2.0.0
  - pip:
      - PyTest==9.2.0
      - -e .
"""


def test_checker_accepts_equal_files_up_to_name_spelling() -> None:
    assert disagreements(PYPROJECT, ENVIRONMENT) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("foo-bar==1.0", "foo-bar==1.1", "foo-bar: pyproject.toml pins 1.0, environment.yml pins 1.1"),
        ("  - foo-bar==1.0\n", "", "foo-bar==1.0 is in pyproject.toml but not in environment.yml"),
        ("  - pip\n", "  - pip\n  - extra==3\n", "extra==3 is in environment.yml but not in pyproject.toml"),
        ("PyTest==9.2.0", "pytest==9.1.0", "pytest: pyproject.toml pins 9.2.0, environment.yml pins 9.1.0"),
    ],
)
def test_checker_reports_each_kind_of_disagreement(old: str, new: str, expected: str) -> None:
    assert old in ENVIRONMENT
    assert disagreements(PYPROJECT, ENVIRONMENT.replace(old, new)) == [expected]


def test_checker_rejects_unpinned_entries() -> None:
    with pytest.raises(ValueError, match="not an exact pin"):
        disagreements(PYPROJECT, ENVIRONMENT.replace("foo-bar==1.0", "foo-bar>=1.0"))
