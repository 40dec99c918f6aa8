"""Stand-in for PyPI's `looseversion`, which Salt 3007 imports and Debian 12 does not package.

PyPI's package is distutils' LooseVersion with one change: comparing a number with a string
part ("1.0" against "1.a") does not raise TypeError. Python 3.11 still ships distutils
(deprecated), so this subclasses it and adds that one change; Salt's files stay unmodified.
"""
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from distutils.version import LooseVersion as _DistutilsLooseVersion

__version__ = "1.3.0-shim"


class LooseVersion(_DistutilsLooseVersion):
    def __init__(self, vstring=None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            super().__init__(vstring)

    def _cmp(self, other):
        if isinstance(other, str):
            other = LooseVersion(other)
        elif not isinstance(other, _DistutilsLooseVersion):
            return NotImplemented
        try:
            return super()._cmp(other)
        except TypeError:
            # mixed int/str parts: compare them all as text, as PyPI's looseversion does
            mine = [str(x) for x in self.version]
            theirs = [str(x) for x in other.version]
            return (mine > theirs) - (mine < theirs)
