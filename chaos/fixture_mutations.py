"""Malformed fixtures: hypothesis strategies that take pieces of the sample's fixtures and break them.

Pure (hypothesis is imported only to draw cases): a case is drawn as a structure (which fixture, which
objects, which mutations), applied to the parsed objects, rendered as JSON, YAML or
XML (Django's three fixture formats), then optionally damaged as text.

Why hypothesis rather than atheris: what decides the loading path is the fixture's
structure (models, primary keys, foreign and natural keys, field types), which
strategies reach directly; atheris mutates bytes guided by coverage, which needs an
instrumented build and spends most of its cases on files no parser gets past, while
a case here costs database work either way, so guidance per byte buys little.
Hypothesis also runs anywhere pip does, draws reproducibly from a seed, and shrinks a
failing case to a minimal one for its regression test.
"""

import json
from xml.sax.saxutils import escape, quoteattr

FORMATS = ("json", "yaml", "xml")
MUTATIONS = ("drop_object", "duplicate_object", "swap_objects", "set_field", "drop_field", "add_field",
             "set_pk", "drop_pk", "set_model", "drop_model", "fields_not_a_dict", "object_not_a_dict",
             "dangling_reference", "wrap_top_level")
TEXT_DAMAGE = ("truncate", "delete", "insert", "duplicate", "flip")
# Values of the types fixtures hold, their edges, and wrong ones.
EDGE_VALUES = [0, 1, -1, 2**31, 2**63, 10**20, 3.5, "", " ", "0", "1", "true", "null", "2023-02-30",
               "2023-01-01T00:00:00Z", "not-a-date", "1e400", "NaN", "x" * 300, "\x00", "é", "😀",
               "catalog", "electronics", "customers"]


def cases(fixture_names):
    """The strategy of whole cases: ``(fixture, format, slice start, slice size, mutations, damage)``.

    A mutation is ``(kind, object index, field index, value)``, a damage
    ``(kind, position, length, text)``; indices are taken modulo what is there.
    """
    from hypothesis import strategies as st

    scalar = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                       st.sampled_from(EDGE_VALUES), st.text(max_size=40))
    value = st.one_of(scalar, st.lists(scalar, max_size=3), st.dictionaries(st.text(max_size=5), scalar, max_size=2))
    mutation = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6), value)
    damage_ = st.tuples(st.sampled_from(TEXT_DAMAGE), st.integers(0, 10**6), st.integers(1, 40),
                        st.text(min_size=1, max_size=5))
    return st.tuples(
        st.sampled_from(sorted(fixture_names)), st.sampled_from(FORMATS),
        st.integers(0, 10**6), st.integers(1, 12),
        st.lists(mutation, max_size=4),
        st.one_of(st.just([]), st.just([]), st.lists(damage_, min_size=1, max_size=2)),
    )


def take(objects, start, size):
    """A slice of *size* objects starting anywhere (the fixture's own order kept)."""
    if not objects:
        return []
    start %= len(objects)
    return [json.loads(json.dumps(item)) for item in objects[start:start + size]]


def mutate(objects, mutation, pool):
    """Apply one structural mutation to *objects* (a list, changed in place or replaced); returns it."""
    kind, index, field_index, value = mutation
    if not isinstance(objects, list):
        return objects
    if kind == "wrap_top_level":
        return {"objects": objects} if field_index % 2 else (objects[0] if objects else {})
    if not objects:
        return objects
    position = index % len(objects)
    item = objects[position]
    if kind == "drop_object":
        del objects[position]
    elif kind == "duplicate_object":
        objects.insert(field_index % (len(objects) + 1), json.loads(json.dumps(item)))
    elif kind == "swap_objects":
        other = field_index % len(objects)
        objects[position], objects[other] = objects[other], objects[position]
    elif kind == "object_not_a_dict":
        objects[position] = value
    elif not isinstance(item, dict):
        pass
    elif kind == "set_pk":
        item["pk"] = value
    elif kind == "drop_pk":
        item.pop("pk", None)
    elif kind == "set_model":
        item["model"] = value if field_index % 3 == 0 else pool_model(pool, field_index)
    elif kind == "drop_model":
        item.pop("model", None)
    elif kind == "fields_not_a_dict":
        item["fields"] = value
    else:
        _mutate_fields(item, kind, field_index, value)
    return objects


def pool_model(pool, index):
    models = sorted({item.get("model") for item in pool if isinstance(item, dict)} | {"app.nope", "Catalog.Product"})
    return models[index % len(models)]


def _mutate_fields(item, kind, field_index, value):
    fields = item.get("fields")
    if not isinstance(fields, dict):
        return
    names = sorted(fields)
    if kind == "add_field":
        fields[f"nope{field_index % 3}"] = value
    elif not names:
        return
    elif kind == "set_field":
        fields[names[field_index % len(names)]] = value
    elif kind == "drop_field":
        del fields[names[field_index % len(names)]]
    elif kind == "dangling_reference":
        name = names[field_index % len(names)]
        current = fields[name]
        if isinstance(current, list):  # natural key or m2m
            fields[name] = [f"missing-{field_index}"] if current and isinstance(current[0], str) else [10**6]
        elif isinstance(current, int) and not isinstance(current, bool):
            fields[name] = 10**6 + field_index % 1000


def damage(text, damages):
    """Apply text-level damage (cut, delete, insert, duplicate, flip) to rendered fixture text."""
    for kind, position, length, extra in damages:
        if not text:
            break
        at = position % len(text)
        if kind == "truncate":
            text = text[:at]
        elif kind == "delete":
            text = text[:at] + text[at + length:]
        elif kind == "insert":
            text = text[:at] + extra + text[at:]
        elif kind == "duplicate":
            text = text[:at + length] + text[at:]
        elif kind == "flip":
            text = text[:at] + chr((ord(text[at]) ^ (1 << (length % 7))) or 32) + text[at + 1:]
    return text


# --- rendering -------------------------------------------------------------------------

def render(objects, fmt, field_kind):
    """*objects* as fixture text in *fmt*; *field_kind(model, field)* says "fk", "m2m" or "plain" for XML."""
    if fmt == "json":
        return json.dumps(objects, indent=1, ensure_ascii=False)
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(objects, allow_unicode=True, sort_keys=False)
    return render_xml(objects, field_kind)


def render_xml(objects, field_kind):
    """Django's XML fixture format, written from the same structure the JSON format holds."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<django-objects version="1.0">']
    for item in objects if isinstance(objects, list) else [objects]:
        if not isinstance(item, dict):
            lines.append(f"  <object>{escape(str(item))}</object>")
            continue
        attributes = "".join(f" {name}={quoteattr(str(item[name]))}" for name in ("model", "pk")
                             if name in item and item[name] is not None)
        lines.append(f"  <object{attributes}>")
        fields = item.get("fields")
        for name, value in (fields.items() if isinstance(fields, dict) else []):
            lines.append(f"    <field name={quoteattr(str(name))}>{_xml_value(value, field_kind(item.get('model'), name))}"
                         "</field>")
        lines.append("  </object>")
    lines.append("</django-objects>")
    return "\n".join(lines) + "\n"


def _xml_value(value, kind):
    if value is None:
        return "<None></None>"
    if kind == "m2m" and isinstance(value, list):
        return "".join(_xml_m2m_member(member) for member in value)
    if kind == "fk" and isinstance(value, list):
        return "".join(f"<natural>{escape(str(part))}</natural>" for part in value)
    if isinstance(value, bool):
        return "True" if value else "False"
    return escape(value if isinstance(value, str) else json.dumps(value))


def _xml_member(member):
    return escape(member if isinstance(member, str) else json.dumps(member))


def _xml_m2m_member(member):
    if isinstance(member, list):
        return "<object>" + "".join(f"<natural>{_xml_member(part)}</natural>" for part in member) + "</object>"
    return f"<object pk={quoteattr(str(member))}></object>"
