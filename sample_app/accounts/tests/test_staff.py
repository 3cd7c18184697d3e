"""Staff users (django.contrib.auth) and what they may do with customers."""
import unittest
from decimal import Decimal

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.test import TestCase

from accounts.models import Customer
from accounts.utils import agent_for, can_manage_credit, mask_email, set_credit_limit, support_agents

SUPPORT_USERNAMES = [
    "alarsen", "bokafor", "fnguyen", "hsato", "jsupport", "kmurphy", "mchen", "rgarcia", "tkowalski",
]


class StaffUserFixtureTests(TestCase):
    fixtures = ["staff"]

    def test_users_and_groups(self):
        self.assertEqual(User.objects.count(), 17)
        self.assertEqual(
            list(Group.objects.order_by("pk").values_list("name", flat=True)),
            ["Managers", "Support", "Warehouse"],
        )

    def test_everyone_is_staff_and_only_admin_is_superuser(self):
        self.assertFalse(User.objects.filter(is_staff=False).exists())
        self.assertEqual(
            list(User.objects.filter(is_superuser=True).values_list("username", flat=True)),
            ["admin"],
        )

    def test_gwilson_is_the_only_inactive_user(self):
        inactive = User.objects.get(is_active=False)
        self.assertEqual((inactive.pk, inactive.username), (12, "gwilson"))
        self.assertEqual(inactive.get_full_name(), "George Wilson")

    def test_group_sizes(self):
        sizes = dict(Group.objects.annotate(n=Count("user")).values_list("name", "n"))
        self.assertEqual(sizes, {"Managers": 3, "Support": 9, "Warehouse": 7})


class StaffAuthenticationTests(TestCase):
    fixtures = ["staff"]

    def test_fixture_passwords(self):
        for username in ["admin", "jsupport", "mchen", "mpatel"]:
            with self.subTest(username=username):
                user = authenticate(username=username, password="secret")
                self.assertIsNotNone(user)
                self.assertEqual(user.username, username)

    def test_wrong_password(self):
        self.assertIsNone(authenticate(username="jsupport", password="Secret"))

    def test_inactive_user_cannot_authenticate(self):
        self.assertIsNone(authenticate(username="gwilson", password="secret"))
        self.assertTrue(User.objects.get(username="gwilson").check_password("secret"))

    def test_passwords_use_md5_hasher(self):
        hashes = User.objects.values_list("password", flat=True)
        self.assertTrue(all(h.startswith("md5$") for h in hashes))

    def test_client_login(self):
        self.assertTrue(self.client.login(username="mchen", password="secret"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), 3)

    @unittest.skip("No login view yet: staff sign in through the admin, which this project does not install")
    def test_login_page_redirects_to_dashboard(self):
        response = self.client.post("/login/", {"username": "mchen", "password": "secret"})
        self.assertRedirects(response, "/dashboard/")


class SupportAgentsTests(TestCase):
    fixtures = ["staff"]

    def test_support_agents(self):
        self.assertEqual(
            list(support_agents().values_list("username", flat=True)), SUPPORT_USERNAMES
        )

    def test_support_agents_query_count(self):
        with self.assertNumQueries(1):
            pks = sorted(user.pk for user in support_agents())
        self.assertEqual(pks, [2, 3, 4, 5, 6, 7, 11, 13, 15])

    def test_deactivated_agent_drops_out(self):
        User.objects.filter(username="hsato").update(is_active=False)
        self.assertNotIn("hsato", support_agents().values_list("username", flat=True))
        self.assertEqual(support_agents().count(), 8)

    def test_users_in_two_groups(self):
        users = User.objects.filter(groups__name="Support").filter(groups__name__in=["Managers", "Warehouse"])
        self.assertEqual(
            sorted(users.values_list("username", flat=True)), ["bokafor", "fnguyen"]
        )

    def test_active_warehouse_staff(self):
        warehouse = Group.objects.get(name="Warehouse").user_set.filter(is_active=True)
        self.assertEqual(warehouse.count(), 6)


class CreditLimitPermissionTests(TestCase):
    fixtures = ["staff", "customers"]

    def test_who_may_manage_credit(self):
        expected = {"admin": True, "mpatel": True, "fnguyen": True, "jsupport": False, "cdubois": False}
        for username, allowed in expected.items():
            with self.subTest(username=username):
                self.assertIs(can_manage_credit(User.objects.get(username=username)), allowed)

    def test_manager_raises_credit_limit(self):
        ava = Customer.objects.get(pk=1)
        set_credit_limit(ava, "2000.00", by=User.objects.get(username="mpatel"))
        ava.refresh_from_db()
        self.assertEqual(ava.credit_limit, Decimal("2000.00"))

    def test_support_agent_is_refused(self):
        customer = Customer.objects.get(pk=5)
        with self.assertRaisesMessage(PermissionDenied, "jsupport may not change credit limits"):
            set_credit_limit(customer, "100.00", by=User.objects.get(username="jsupport"))
        customer.refresh_from_db()
        self.assertEqual(customer.credit_limit, Decimal("0.00"))

    def test_negative_limit_is_rejected(self):
        with self.assertRaises(ValueError):
            set_credit_limit(Customer.objects.get(pk=1), "-1", by=User.objects.get(username="admin"))
        self.assertEqual(Customer.objects.get(pk=1).credit_limit, Decimal("1500.00"))


class AgentAssignmentTests(TestCase):
    fixtures = ["customers", "staff"]

    def test_known_assignments(self):
        expected = {1: "bokafor", 9: "alarsen", 40: "jsupport", 3: "hsato", 6: "mchen", 4: "jsupport"}
        for pk, username in expected.items():
            with self.subTest(customer=pk):
                self.assertEqual(agent_for(Customer.objects.get(pk=pk)).username, username)

    def test_workload_is_balanced(self):
        workload = {}
        for customer in Customer.objects.order_by("pk"):
            username = agent_for(customer).username
            workload[username] = workload.get(username, 0) + 1
        self.assertEqual(sum(workload.values()), 40)
        self.assertEqual(sorted(workload.values()), [4] * 5 + [5] * 4)
        self.assertEqual(workload["alarsen"], 4)

    def test_no_agent_without_support_staff(self):
        Group.objects.get(name="Support").user_set.clear()
        self.assertIsNone(agent_for(Customer.objects.get(pk=1)))


class StaffCustomerViewTests(TestCase):
    fixtures = ["staff", "customers"]

    def setUp(self):
        self.client.force_login(User.objects.get(username="jsupport"))

    def test_customer_detail_for_logged_in_agent(self):
        data = self.client.get("/accounts/customers/3/").json()
        self.assertEqual(data["addresses"], 3)
        self.assertEqual(data["loyalty_tier"], "bronze")

    def test_inactive_customer_is_still_visible(self):
        data = self.client.get("/accounts/customers/11/").json()
        self.assertEqual(data["id"], 11)
        self.assertIs(data["is_active"], False)

    def test_unknown_customer(self):
        self.assertEqual(self.client.get("/accounts/customers/41/").status_code, 404)


class SupportScreenTests(TestCase):
    fixtures = ["customers", "staff"]

    @classmethod
    def setUpTestData(cls):
        cls.new_manager = User.objects.create_user(
            "nmanager", email="nmanager@staff.example.com", password="secret", is_staff=True
        )
        cls.new_manager.groups.add(Group.objects.get(name="Managers"))
        cls.vip = Customer.objects.create(
            email="vip.buyer@example.com", first_name="Vip", last_name="Buyer",
            city="Zurich", joined="2024-09-09", credit_limit=Decimal("10000.00"),
        )

    def test_new_manager_may_manage_credit(self):
        self.assertTrue(can_manage_credit(self.new_manager))
        set_credit_limit(self.vip, Decimal("12000.00"), by=self.new_manager)
        self.assertEqual(Customer.objects.get(pk=self.vip.pk).credit_limit, Decimal("12000.00"))

    def test_masked_emails(self):
        self.assertEqual(mask_email(Customer.objects.get(pk=1).email), "a********@example.net")
        self.assertEqual(mask_email(self.vip.email), "v********@example.com")

    def test_staff_and_customer_emails_do_not_overlap(self):
        staff_emails = set(User.objects.values_list("email", flat=True))
        self.assertEqual(len(staff_emails), 18)
        self.assertFalse(Customer.objects.filter(email__in=staff_emails).exists())

    def test_highest_credit_limit(self):
        top = Customer.objects.order_by("-credit_limit", "pk").first()
        self.assertEqual(top, self.vip)
        self.assertEqual(Customer.objects.filter(credit_limit=Decimal("5000.00")).count(), 6)
