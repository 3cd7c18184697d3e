"""The benchmark behind ``make bench``: every contender side by side, outcomes checked."""
