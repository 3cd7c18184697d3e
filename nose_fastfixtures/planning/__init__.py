"""Pure planning: labels, Django's class order, fixture bundles, schema fingerprints, SQL write targets.

Nothing here imports Django or nose; it is unit-tested without a database.
"""
