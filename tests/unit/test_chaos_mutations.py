"""chaos/fixture_mutations.py: breaking fixtures and writing them in Django's three formats."""

import json
import xml.dom.minidom

from chaos import fixture_mutations as fm

OBJECTS = [
    {"model": "catalog.product", "pk": 1, "fields": {"name": "Lamp", "category": ["lighting"], "tags": [1, 2]}},
    {"model": "catalog.tag", "pk": 2, "fields": {"name": "new"}},
]


def kind(model, field):
    return {"category": "fk", "tags": "m2m"}.get(field, "plain")


def test_mutations_change_the_structure_they_name():
    objects = json.loads(json.dumps(OBJECTS))
    assert fm.mutate(objects, ("drop_pk", 0, 0, None), OBJECTS)[0].get("pk") is None
    assert fm.mutate(objects, ("dangling_reference", 0, 0, None), OBJECTS)[0]["fields"]["category"] == ["missing-0"]
    assert fm.mutate(objects, ("set_field", 1, 0, 7), OBJECTS)[1]["fields"]["name"] == 7
    assert fm.mutate(objects, ("wrap_top_level", 0, 1, None), OBJECTS) == {"objects": objects}
    assert fm.mutate("not a list", ("drop_object", 0, 0, None), OBJECTS) == "not a list"
    assert fm.mutate([], ("set_pk", 3, 3, 1), OBJECTS) == []


def test_damage_cuts_inserts_and_flips():
    assert fm.damage("abcdef", [("truncate", 3, 1, "")]) == "abc"
    assert fm.damage("abcdef", [("insert", 1, 1, "XY")]) == "aXYbcdef"
    assert fm.damage("abcdef", [("delete", 1, 2, "")]) == "adef"
    assert fm.damage("", [("flip", 5, 1, "")]) == ""
    assert fm.damage("abc", [("flip", 0, 1, "")]) != "abc"


def test_every_format_renders_the_same_objects():
    assert json.loads(fm.render(OBJECTS, "json", kind)) == OBJECTS
    document = xml.dom.minidom.parseString(fm.render(OBJECTS, "xml", kind))
    product = document.getElementsByTagName("object")[0]
    assert product.getAttribute("model") == "catalog.product" and product.getAttribute("pk") == "1"
    fields = {field.getAttribute("name"): field for field in product.getElementsByTagName("field")}
    assert fields["category"].getElementsByTagName("natural")[0].firstChild.data == "lighting"
    assert [node.getAttribute("pk") for node in fields["tags"].getElementsByTagName("object")] == ["1", "2"]
    assert "<None></None>" in fm.render([{"model": "a.b", "pk": 1, "fields": {"x": None}}], "xml", kind)
