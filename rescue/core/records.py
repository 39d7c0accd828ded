"""Records: tuples with named fields, made without compiling source.

collections.namedtuple on Python 3.6 builds each type by exec() of a class
template, a cost paid on every start for every record type; this makes
the same kind of type from plain functions. Only what the tool uses:
positional or keyword construction, defaults for the last fields, field
access, _replace, _fields, equality and repr as tuples have them.
"""


def record(typename, field_names, defaults=()):
    """A tuple subclass named typename with the given fields, in order;
    defaults: the values of the last fields when they are left out, as
    collections.namedtuple takes them."""
    fields = tuple(field_names.replace(",", " ").split())
    if len(defaults) > len(fields):
        raise ValueError("%s has %d fields, not %d defaults"
                         % (typename, len(fields), len(defaults)))
    default = dict(zip(fields[len(fields) - len(defaults):], defaults))

    def __new__(cls, *args, **values):
        if len(args) > len(fields):
            raise TypeError("%s takes %d fields, got %d"
                            % (typename, len(fields), len(args)))
        rest = fields[len(args):]
        missing = [f for f in rest if f not in values and f not in default]
        if missing or len(values) > len([f for f in rest if f in values]):
            raise TypeError("%s: missing or unknown fields %s"
                            % (typename, missing or sorted(values)))
        return tuple.__new__(cls, args + tuple(
            values[f] if f in values else default[f] for f in rest))

    def _replace(self, **changes):
        unknown = set(changes) - set(fields)
        if unknown:
            raise ValueError("%s has no fields %s" % (typename,
                                                       sorted(unknown)))
        return tuple.__new__(type(self), tuple(
            changes.get(name, value) for name, value in zip(fields, self)))

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % pair for pair in zip(fields, self)))

    def __getnewargs__(self):
        return tuple(self)

    namespace = {"__slots__": (), "_fields": fields, "__new__": __new__,
                 "_replace": _replace, "__repr__": __repr__,
                 "__getnewargs__": __getnewargs__}
    for index, name in enumerate(fields):
        namespace[name] = property(_getter(index))
    return type(typename, (tuple,), namespace)


def _getter(index):
    """self[index], as a property reads it (operator.itemgetter would cost
    an import on every start)."""
    return lambda self: self[index]
