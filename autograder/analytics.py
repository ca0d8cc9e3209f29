"""The class report of one assignment: one HTML page with its figures, and the data behind it.

From the class's rows (the journal) and nbgrader's gradebook: the outcomes, late submissions,
the score distribution, each test's pass rate from the hardest, the grading time per submission,
and the mistake diagnosis of every scored submission that lost points (:mod:`autograder.diagnosis`).
"""
import base64
import html
import io
import json
import statistics
from collections import Counter

from autograder import diagnosis
from autograder.report import Outcome


def summarise(rows, per_test, entries):
    """The report's data. ``rows``: the class's Rows; ``per_test``: {student: gradebook per-test
    scores} of the scored ones; ``entries``: the unit's mistake catalogue."""
    scored = [r for r in rows if r.status in (Outcome.GRADED, Outcome.REVIEW) and r.student in per_test]
    students, mistakes = {}, Counter()
    for r in scored:
        fails = diagnosis.failing(per_test[r.student])
        names = diagnosis.diagnose(fails, entries)
        mistakes.update(names)
        students[r.student] = {"status": str(r.status), "score": r.score, "failing": sorted(fails), "diagnosis": names}
    tests = sorted({t for r in scored for t, (_, m, _) in per_test[r.student].items() if m})
    pass_rate = {t: sum(t not in students[r.student]["failing"] for r in scored) / len(scored) for t in tests} if scored else {}
    seconds = sorted(r.seconds for r in rows if r.seconds)
    wrong = [s for s, d in students.items() if d["failing"]]
    return {
        "students": len(rows),
        "outcomes": {str(o): sum(r.status == o for r in rows) for o in Outcome},
        "late": sum(r.late_seconds > 0 for r in rows),
        "late_penalised": sum(r.late_penalty > 0 for r in rows),
        "needs_manual_grade": sum(bool(r.manual) for r in rows),
        "percent": [round(100 * r.score / r.max_score, 2) for r in rows if r.status == Outcome.GRADED and r.max_score],
        "pass_rate": dict(sorted(pass_rate.items(), key=lambda kv: (kv[1], kv[0]))),
        "seconds": {"median": statistics.median(seconds), "p95": seconds[int(0.95 * (len(seconds) - 1))]} if seconds else {},
        "mistakes": dict(mistakes.most_common()),
        "lost_points": len(wrong),
        "undiagnosed": sorted(s for s in wrong if not students[s]["diagnosis"]),
        "ambiguous": diagnosis.ambiguous(entries),
        "catalogue": {name: {"description": e["description"], "hint": e.get("hint", "")} for name, e in entries.items()},
        "per_student": students,
        "grading_seconds": seconds,
    }


def _figure(draw):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    draw(ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return f"<img alt='' src='data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}'>"


def _histogram(values, xlabel, bins):
    from matplotlib.ticker import MaxNLocator

    def draw(ax):
        ax.hist(values, bins=bins, color="#4c72b0", edgecolor="white")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("submissions")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _figure(draw)


def _bars(labels, values, xlabel, xmax=None):
    from matplotlib.ticker import MaxNLocator

    def draw(ax):
        ax.barh(range(len(labels)), values, color="#dd8452")
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        if xmax is None:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of submissions
        else:
            ax.set_xlim(0, xmax)
    return _figure(draw)


def write_html(assignment, data, path):
    """The report page (figures embedded as PNG, nothing loaded from elsewhere)."""
    esc = html.escape
    outcomes = ", ".join(f"{n} {o}" for o, n in data["outcomes"].items())
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(assignment)}: class report</title>",
             "<style>body{font-family:sans-serif;margin:2em;max-width:60em} td,th{padding:2px 8px;text-align:left}</style></head><body>",
             f"<h1>{esc(assignment)}: class report</h1>",
             f"<p>{data['students']} students: {outcomes}. {data['late']} late ({data['late_penalised']} with a penalty); "
             f"{data['needs_manual_grade']} need a manual grade.</p>"]
    if data["percent"]:
        parts += ["<h2>Scores of graded submissions</h2>", _histogram(data["percent"], "score (% of the maximum)", range(0, 105, 5))]
    if data["pass_rate"]:
        tests = list(data["pass_rate"])
        parts += ["<h2>Tests, hardest first</h2>", _bars(tests, [100 * data["pass_rate"][t] for t in tests], "% of scored submissions passing", xmax=100)]
    if data["grading_seconds"]:
        parts += [f"<h2>Grading time</h2><p>median {data['seconds']['median']:.1f} s, 95th percentile {data['seconds']['p95']:.1f} s per submission</p>",
                  _histogram(data["grading_seconds"], "seconds per submission", 20)]
    parts.append(f"<h2>Mistake diagnosis</h2><p>{data['lost_points']} scored submissions lost points; "
                 f"{data['lost_points'] - len(data['undiagnosed'])} behave exactly like a catalogued mistake.</p>")
    if data["mistakes"]:
        names = list(data["mistakes"])
        parts.append(_bars(names, [data["mistakes"][n] for n in names], "submissions"))
        known = data["catalogue"]
        parts.append("<table><tr><th>mistake</th><th>submissions</th><th>what it is</th><th>the hint its students get</th></tr>" + "".join(
            f"<tr><td>{esc(n)}</td><td>{c}</td><td>{esc(known.get(n, {}).get('description', ''))}</td><td>{esc(known.get(n, {}).get('hint', ''))}</td></tr>"
            for n, c in data["mistakes"].items()) + "</table>")
    if data["ambiguous"]:
        parts.append("<p>Indistinguishable by their failing tests: " + "; ".join(esc(" = ".join(g)) for g in data["ambiguous"]) + ".</p>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def write_json(data, path):
    path.write_text(json.dumps(data, indent=1))
