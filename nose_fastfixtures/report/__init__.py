"""The time report: where a run's time went, what the runner saved, and what the suite could change.

Pure logic over the run's timeline (spans) and plain descriptions of the classes that
ran: no Django, no nose. ``analysis`` sums phases and finds the slowest tests, classes
and fixture sets; ``suggestions`` looks at the suite; ``text`` and ``html`` only format.
"""
