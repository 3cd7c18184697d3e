"""The bundle planner over plain class descriptions."""

from nose_fastfixtures.planning.bundling import ClassInfo, describe, plan


def described(key, *fixtures, aliases=("default",), bundle=True):
    return ClassInfo(key, "testcase", tuple(fixtures), aliases, bundle)


def order(result):
    return [step.info.key for step in result.steps]


def test_same_sets_run_together_and_load_once():
    infos = [described("a", "users"), described("b", "catalog"), described("c", "users"), described("d", "catalog")]
    result = plan(infos)
    assert order(result) == ["b", "d", "a", "c"]
    assert result.loads == 2 and result.djangos_loads() == 4


def test_contained_sets_stack_as_layers():
    infos = [described("big", "users", "catalog", "orders"), described("small", "users"),
             described("mid", "catalog", "users"), described("other", "staff")]
    result = plan(infos)
    assert order(result) == ["other", "small", "mid", "big"]
    layers = {step.info.key: step.layers for step in result.steps}
    assert layers["small"] == [("users",)]
    assert layers["mid"] == [("users",), ("catalog",)]
    assert layers["big"] == [("users",), ("catalog",), ("orders",)]
    loads = [step.load for step in result.steps if step.load]
    assert loads == [("staff",), ("users",), ("catalog",), ("orders",)]
    unloads = {step.info.key: step.unload for step in result.steps}
    assert unloads["small"] == 1  # staff removed before users loads


def test_siblings_unload_back_to_their_common_layer():
    infos = [described("uc", "users", "catalog"), described("us", "users", "staff"), described("u", "users")]
    result = plan(infos)
    assert order(result) == ["u", "uc", "us"]
    steps = {step.info.key: step for step in result.steps}
    assert steps["us"].unload == 1 and steps["us"].load == ("staff",)
    assert steps["us"].layers == [("users",), ("staff",)]


def test_django_order_kept_and_layers_gone_before_transaction_test_cases():
    infos = [ClassInfo("ttc", "simple", ("users",), ("default",)), described("t1", "users"),
             ClassInfo("broken", "failure"), described("plain"), described("exempt", "users", bundle=False)]
    result = plan(infos)
    # classes sharing no layer run after the layers, in Django's order (their sequence values
    # are then known: database.class_sequences)
    assert order(result) == ["broken", "t1", "plain", "exempt", "ttc"]
    steps = {step.info.key: step for step in result.steps}
    assert steps["exempt"].layers == [] and steps["plain"].layers == []
    assert steps["plain"].unload == 1 and steps["ttc"].unload == 0
    assert steps["ttc"].layers == []
    assert result.final_unload == 0


def test_different_databases_never_share_layers():
    infos = [described("a", "users"), described("b", "users", aliases=("default", "archive"))]
    result = plan(infos)
    steps = {step.info.key: step for step in result.steps}
    assert steps["a"].layers == [("users",)] and steps["b"].layers == [("users",)]
    assert result.loads == 2
    assert sum(step.unload for step in result.steps) + result.final_unload == 2


def test_plan_is_independent_of_the_order_classes_come_in():
    infos = [described("a", "users"), described("b", "users", "catalog"), described("c", "catalog"),
             described("d", "users")]
    forward, backward = plan(infos), plan(list(reversed(infos)))
    assert forward.loads == backward.loads == 3
    assert {s.info.key: s.layers for s in forward.steps} == {s.info.key: s.layers for s in backward.steps}


def test_describe_names_every_load():
    text = "\n".join(describe(plan([described("a", "users"), described("b", "users", "catalog")])))
    assert "2 layer loads for 2 classes" in text
    assert "load layer users into default" in text and "load layer catalog" in text
