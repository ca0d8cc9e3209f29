"""Grading results: one row per student and assignment, printed as a table and written as CSV."""
import csv
from dataclasses import dataclass


@dataclass
class Row:
    student: str
    assignment: str
    status: str  # graded | failed | missing
    score: float = 0.0
    max_score: float = 0.0
    reason: str = ""
    seconds: float = 0.0
    feedback: str = ""
    expected: str = ""  # only for example cases: full | less | zero
    verdict: str = ""  # only for example cases: ok | WRONG

    @property
    def percent(self):
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def write_csv(rows, path):
    """CSV an LMS can import: student_id, assignment, score, max_score, percent, status, reason."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "assignment", "score", "max_score", "percent", "status", "reason"])
        for r in rows:
            w.writerow([r.student, r.assignment, f"{r.score:g}", f"{r.max_score:g}", f"{r.percent:.1f}", r.status, r.reason])


def format_table(rows):
    """A fixed-width table a person can read, one line per row, with a summary line."""
    show_expect = any(r.expected for r in rows)
    head = ["student", "assignment", "status", "score", "time"] + (["expected", "verdict"] if show_expect else []) + ["note"]
    body = []
    for r in rows:
        line = [r.student, r.assignment, r.status, f"{r.score:g}/{r.max_score:g}", f"{r.seconds:.1f}s"]
        if show_expect:
            line += [r.expected, r.verdict]
        line.append(r.reason[:70])
        body.append(line)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*line) for line in body]
    counts = {s: sum(r.status == s for r in rows) for s in ("graded", "failed", "missing")}
    summary = f"{len(rows)} submissions: " + ", ".join(f"{n} {s}" for s, n in counts.items())
    graded = [r for r in rows if r.status == "graded" and r.max_score]
    if graded:
        summary += f"; mean score {sum(r.percent for r in graded) / len(graded):.1f}% of graded"
    if show_expect:
        wrong = [r.student for r in rows if r.verdict != "ok"]
        summary += "; every case got its expected outcome" if not wrong else f"; UNEXPECTED: {', '.join(wrong)}"
    return "\n".join(lines + ["", summary])

