"""The import-linter contracts (pyproject.toml, run by `make lint` and CI) cover every package of
the project: a new module is inside the layering from its first commit."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def layer_names() -> set[str]:
    (layers,) = [c["layers"] for c in CONFIG["contracts"] if c["id"] == "layers"]
    return {name.strip().strip("()") for layer in layers for name in layer.split("|")}


def test_every_package_of_the_project_is_a_root_package_of_the_contracts():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages == set(CONFIG["root_packages"])


def test_every_package_but_config_has_its_layer():
    assert set(CONFIG["root_packages"]) - {"config"} <= layer_names()
    assert "config" not in layer_names()  # config may import anything


def test_the_modules_to_come_are_already_placed():
    assert {"planning", "resources"} <= layer_names()


def layer_index(name: str) -> int:
    """Position of a package's layer, highest first."""
    (layers,) = [c["layers"] for c in CONFIG["contracts"] if c["id"] == "layers"]
    return next(
        i for i, layer in enumerate(layers) if name in {n.strip().strip("()") for n in layer.split("|")}
    )


def test_communication_sits_on_the_register_below_the_modules_that_offer_audiences():
    """Announcements reach members through the register; finance, governance and training offer
    their audiences (owes dues, attended an assembly, enrolled) through associations.seams."""
    assert layer_index("communication") < layer_index("members")
    for module in ("finance", "governance", "training"):
        assert layer_index(module) < layer_index("communication")
