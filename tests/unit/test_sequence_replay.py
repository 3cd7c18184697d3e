"""planning.sequence_replay: the sequence values classes start from in Django's order."""

from nose_fastfixtures.planning.sequence_replay import ClassRun, SequenceReplay


def test_a_class_that_runs_after_all_the_classes_before_it_starts_as_in_djangos_order():
    replay = SequenceReplay(["a", "b", "c"])
    replay.saw({"item": 1, "order": 1})
    # c ran first (its layer reset "item" to 6), then a (reset to 6, made 2 items and 3 orders)
    replay.ran("c", ClassRun(start={"item": 6, "order": 1}, end={"item": 7, "order": 1}, resets={"item"}))
    replay.ran("a", ClassRun(start={"item": 6, "order": 1}, end={"item": 8, "order": 4}, resets={"item"}))
    assert replay.expected_start("b") == {"item": 8, "order": 4}
    replay.ran("b", ClassRun(start={"item": 8, "order": 4}, end={"item": 9, "order": 5}))
    # after the last class: c's reset, then its own item; b's orders
    assert replay.expected_end() == {"item": 7, "order": 5}
    # c used only the sequence its layer reset: nothing differs
    assert replay.differing() == []


def test_a_class_that_ran_before_a_class_earlier_in_djangos_order_is_named():
    replay = SequenceReplay(["a", "b"])
    replay.saw({"order": 1})
    replay.ran("b", ClassRun(start={"order": 1}, end={"order": 2}))  # made an order from 1
    replay.ran("a", ClassRun(start={"order": 2}, end={"order": 4}))  # made two from 2
    # in Django's order a starts from 1 and b from 3
    assert replay.differing() == [("a", ["order"]), ("b", ["order"])]
    assert replay.expected_end() == {"order": 4}


def test_a_class_that_used_no_sequence_is_never_named():
    replay = SequenceReplay(["a", "b"])
    replay.saw({"order": 1})
    replay.ran("b", ClassRun(start={"order": 1}, end={"order": 1}))
    replay.ran("a", ClassRun(start={"order": 1}, end={"order": 3}))
    assert replay.differing() == []
    assert replay.expected_start("b") == {"order": 3}


def test_what_a_shared_layer_load_consumed_counts_for_every_class_on_it():
    # under Django each class loads its fixtures itself: a receiver's rows take values each time
    replay = SequenceReplay(["a", "b", "c"])
    replay.saw({"account": 1})
    extra = {"account": 40}
    replay.ran("a", ClassRun(start={"account": 41}, end={"account": 41}, extra=extra))
    replay.ran("b", ClassRun(start={"account": 41}, end={"account": 42}, extra=extra))
    assert replay.expected_start("c") == {"account": 1 + 40 + 40 + 1}


def test_a_class_not_run_yet_counts_as_consuming_nothing():
    replay = SequenceReplay(["a", "b", "c"])
    replay.saw({"order": 5})
    replay.ran("a", ClassRun(start={"order": 5}, end={"order": 6}))
    assert replay.expected_start("c") == {"order": 6}
    assert "b" in replay and "z" not in replay


def test_a_counter_raised_by_fixture_rows_with_explicit_keys():
    # MySQL: loading items 1..5 raises the counter to 6 unless it stood higher
    replay = SequenceReplay(["a", "b", "c"])
    replay.saw({"item": 1})
    replay.ran("a", ClassRun(start={"item": 6}, end={"item": 8}, floors={"item": 6}))
    assert replay.expected_start("b") == {"item": 8}
    assert replay.expected_start("c", floors={"item": 6}) == {"item": 8}
    assert replay.expected_start("c", floors={"item": 20}) == {"item": 20}


def test_a_class_whose_own_load_consumed_starts_after_what_it_consumed():
    replay = SequenceReplay(["a", "b"])
    replay.saw({"account": 1})
    replay.ran("b", ClassRun(start={"account": 41}, end={"account": 42}, extra={"account": 40}))
    # in Django's order b's load takes 1..40 and its test 41: it started where it did
    assert replay.differing() == []
    assert replay.expected_start("a", extra={"account": 40}) == {"account": 41}


def test_a_sequence_first_seen_later_counts_for_the_classes_asked_about_after():
    replay = SequenceReplay(["a", "b"])
    replay.saw({"order": 1})
    assert replay.expected_start("b") == {"order": 1}  # a state kept for b...
    replay.saw({"order": 9, "ticket": 1})  # ...is asked again with the new sequence
    replay.ran("a", ClassRun(start={"order": 1, "ticket": 1}, end={"order": 2, "ticket": 3}))
    assert replay.expected_start("b") == {"order": 2, "ticket": 3}
