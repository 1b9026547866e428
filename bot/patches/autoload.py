"""Applies bot.patches as soon as the Rasa modules they change are imported.

Imported at interpreter start by the ``.pth`` file that ``make setup`` installs into the
virtualenv, so the plain ``rasa`` command gets the patches too. It only adds an import hook:
nothing of Rasa (or of this project) is imported until Rasa itself is.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys

# module name -> "patch module:function" applied right after that module has run.
PATCHES = {
    "rasa.cli.test": ("bot.patches.rasa_test_defaults", "apply"),
    "rasa.nlu.test": ("bot.patches.seeded_folds", "apply"),
    "rasa.validator": ("bot.patches.external_intents", "apply"),
}


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, patch: tuple[str, str]) -> None:
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        name, function = self._patch
        getattr(importlib.import_module(name), function)(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        patch = PATCHES.get(fullname)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader, patch)
        return spec


def install() -> None:
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


install()
