"""nose's loader made to collect unittest classes as unittest (and Django) does.

A module that imports a ``TestCase`` class with tests (a shared base class, a class
imported to subclass it) shows nose the class again; nose's loader then runs it once
more per importing module, as a copy moved into that module (``transplant_class``).
unittest loads the class itself wherever it finds it, and Django's runner runs each
of its tests once, under the class's own id; ``suites.merge_repeated_classes`` then
keeps one of the repeats.
"""

import unittest

from nose import loader as nose_loader


def keep_unittest_classes_home():
    """Stop nose's loader from copying imported unittest classes; return what undoes it.

    Nose-style test classes (not unittest) keep nose's behaviour, as under django-nose.
    """
    transplant = nose_loader.transplant_class

    def transplant_class(cls, module):
        if issubclass(cls, unittest.TestCase):
            return cls
        return transplant(cls, module)

    nose_loader.transplant_class = transplant_class

    def undo():
        if nose_loader.transplant_class is transplant_class:
            nose_loader.transplant_class = transplant

    return undo
