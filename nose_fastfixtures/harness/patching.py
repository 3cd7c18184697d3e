"""Class attributes set for the length of a class's run, then put back exactly as they were."""

_MISSING = object()


def replace_class_attribute(cls, name, value):
    """Set *name* on *cls* itself; return a function that puts back what was there.

    The class's own attribute comes back, or none at all if it only inherited one.
    Calling the function again does nothing, so both a patched method and the end
    of the class may call it.
    """
    own = cls.__dict__.get(name, _MISSING)
    setattr(cls, name, value)
    restored = False

    def restore():
        nonlocal restored
        if restored:
            return
        restored = True
        if own is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, own)

    return restore
