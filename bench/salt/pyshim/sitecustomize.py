"""Loaded at interpreter start because this folder is on PYTHONPATH (salt-compare.sh puts it there).

Salt 3007.10 wants tornado >= 6.5, whose package resolves submodules lazily (`tornado.queues`
works without `import tornado.queues`). Debian 12 ships tornado 6.2; this gives it the same lazy
lookup, so Salt's own files stay unmodified. It shadows Debian's sitecustomize, which only
installs apport's hook; that is kept below.
"""
import importlib as _importlib

try:
    import tornado as _tornado
except ImportError:
    _tornado = None

if _tornado is not None and not hasattr(_tornado, "__getattr__"):

    def _lazy_submodule(name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return _importlib.import_module("tornado." + name)
        except ImportError:
            raise AttributeError(f"module 'tornado' has no attribute {name!r}") from None

    _tornado.__getattr__ = _lazy_submodule

try:
    import apport_python_hook
except ImportError:
    pass
else:
    apport_python_hook.install()
