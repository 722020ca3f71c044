"""Pins: pyproject.toml, environment.yml and constraints.txt agree, and every pin is exact."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.core import paths

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)$")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    pins = {}
    for req in reqs:
        m = PIN.match(req)
        assert m, f"pyproject.toml: {req!r} is not pinned with =="
        pins[norm(m[1])] = m[2]
    return pins


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for req in pip:
        if req.startswith("-"):
            continue
        m = PIN.match(req)
        assert m, f"environment.yml: {req!r} is not pinned with =="
        pins[norm(m[1])] = m[2]
    assert "python=3.11" in env["dependencies"]
    return pins


def constraint_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.PROJECT_ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            m = PIN.match(line)
            assert m, f"constraints.txt: {line!r} is not pinned with =="
            pins[norm(m[1])] = m[2]
    return pins


def test_environment_yml_lists_the_pyproject_pins():
    assert environment_pins() == pyproject_pins()


def test_constraints_pin_every_direct_dependency_at_the_same_version():
    constraints = constraint_pins()
    assert {k: constraints.get(k) for k in pyproject_pins()} == pyproject_pins()
    assert len(constraints) > 50  # the transitive closure, not just the direct pins
