"""What the reporter counts: outcomes, the tests done, durations and the problems seen."""

from collections import Counter

# Where each unittest outcome is counted on the summary line. Following unittest (an
# expected failure leaves the run successful; an unexpected success makes it fail)
# and pytest's strict xfail, so that the exit status agrees with the counts.
COUNTED_AS = {
    "pass": "passed",
    "fail": "failed",
    "error": "errors",
    "skip": "skipped",
    "xfail": "passed",
    "xpass": "failed",
}
# What the header and the final list call each kind of problem.
PROBLEM_KINDS = {"fail": "FAIL", "error": "ERROR", "xpass": "UNEXPECTED SUCCESS"}


class Tally:
    """The counts of one run, fed one event at a time."""

    def __init__(self, total=0):
        self.total = total
        self.done = 0
        self.counts = Counter()
        self.outcomes = Counter()
        self.durations = []
        self.problems = []

    def record(self, outcome, label=None, message=""):
        """Count one outcome; failures, errors and unexpected successes are kept for the end."""
        self.outcomes[outcome] += 1
        self.counts[COUNTED_AS[outcome]] += 1
        if outcome in PROBLEM_KINDS:
            self.problems.append((PROBLEM_KINDS[outcome], label, message))

    def finished(self, label, seconds):
        """One test is done, whatever its outcome (a test with failing subtests counts once)."""
        self.done += 1
        self.total = max(self.total, self.done)
        if seconds is not None:
            self.durations.append((seconds, label))
