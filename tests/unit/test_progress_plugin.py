"""The reporter's nose glue: naming a test that hides nose's ``address``."""

import unittest

from nose.case import Test

from nose_fastfixtures.plugins.progressive import test_address as address_of


class HidesAddress(unittest.TestCase):
    address = "12 Main Street"  # a test class may use the name for its own data

    def test_it(self):
        pass


def test_address_of_a_case_whose_class_has_an_address_attribute():
    assert address_of(Test(HidesAddress("test_it"))) == (
        __file__, __name__, "HidesAddress.test_it")
