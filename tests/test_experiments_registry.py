"""The experiment registry: the manifest, its checks, and which entries link to which experiment."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from labnotes.lab.registry import ManifestError, field_links, load_registry
from labnotes.lab.targets import TargetError, resolve_target
from labnotes.parse.model import Entry, Field, Note

ENTRY = "2024-12-01@2024-12-05T17:36"
OTHER = "2024-12-01@2024-12-05T21:35"


def manifest(folder: Path, body: str, scripts: tuple[str, ...] = ("aliased_kernel.py",)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").write_text("")
    (folder / "manifest.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    for name in scripts:
        (folder / name).write_text("print('{}')\n", encoding="utf-8")
    return folder


def one(script: str = "aliased_kernel.py", exp_id: str = "aliased_kernel") -> str:
    return f"""
        experiments:
          - id: {exp_id}
            script: {script}
            title: Aliased mask kernel
            question: Why does the style encoder blow up?
            reproduces: ["{ENTRY}"]
        """


def entry(entry_id: str, line: int, end_line: int) -> Entry:
    return Entry(id=entry_id, line=line, col=4, timestamp=entry_id.split("@")[1][:16], end=None,
                 weekday=None, weekday_ok=True, struck=False, text="", parent_line=None,
                 item_line=line, thread_line=None, end_line=end_line, section=[])


class FakeIndex:
    """The three look-ups resolve_target needs, over hand-built notes."""

    def __init__(self, notes: dict[str, Note]):
        self.notes = notes

    def find_note(self, arg: str) -> str | None:
        return next((rel for rel in self.notes if arg in (rel, Path(rel).stem)), None)

    def entry(self, entry_id: str):
        for rel, note in self.notes.items():
            for e in note.entries:
                if e.id == entry_id:
                    return rel, e
        return None

    def entry_at(self, rel: str, line: int):
        return next((e for e in self.notes[rel].entries if (e.item_line or e.line) == line), None)


def seed_note(*fields: Field) -> Note:
    # 17:36 spans lines 91-93, and 21:35 (lines 95-99) holds a nested entry on 97-98.
    return Note(
        path="Diary/2024/2024-12-01.md",
        date="2024-12-01",
        frontmatter=None,
        entries=[entry(ENTRY, 91, 93), entry(OTHER, 95, 99), entry(OTHER + "~2", 97, 98)],
        fields=list(fields),
    )


def test_manifest_lists_experiments_with_their_entries(tmp_path):
    reg = load_registry(manifest(tmp_path / "experiments", one()))

    exp = reg.get("aliased_kernel")
    assert exp.title == "Aliased mask kernel"
    assert exp.question == "Why does the style encoder blow up?"
    assert exp.reproduces == (ENTRY,)
    assert exp.script == (tmp_path / "experiments" / "aliased_kernel.py").resolve()
    assert exp.module == "experiments.aliased_kernel"
    assert reg.for_entry(ENTRY) == [exp]
    assert reg.for_entry(OTHER) == []


@pytest.mark.parametrize(
    "script, reason",
    [
        ("/etc/passwd", "outside experiments/"),
        ("../aliased_kernel.py", "outside experiments/"),
        ("sub/../../aliased_kernel.py", "outside experiments/"),
        ("other.py", "must be aliased_kernel.py"),
        ("missing/aliased_kernel.py", "must be aliased_kernel.py"),
    ],
)
def test_a_script_outside_experiments_or_under_another_name_is_refused(tmp_path, script, reason):
    folder = manifest(tmp_path / "experiments", one(script), scripts=("aliased_kernel.py", "other.py"))
    with pytest.raises(ManifestError, match=reason):
        load_registry(folder)


def test_a_symlink_that_leaves_experiments_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("print('pwned')\n")
    folder = manifest(tmp_path / "experiments", one(), scripts=())
    (folder / "aliased_kernel.py").symlink_to(outside)
    with pytest.raises(ManifestError, match="resolves outside experiments/"):
        load_registry(folder)


def test_a_symlink_that_stays_inside_experiments_is_fine(tmp_path):
    folder = manifest(tmp_path / "experiments", one(), scripts=("real.py",))
    (folder / "aliased_kernel.py").symlink_to(folder / "real.py")
    assert load_registry(folder).get("aliased_kernel") is not None


@pytest.mark.parametrize("bad_id", ["os; rm -rf ~", "../x", "a.b", "1abc", "'x y'"])
def test_an_id_that_is_not_a_module_name_is_refused(tmp_path, bad_id):
    folder = manifest(tmp_path / "experiments", one("x.py", bad_id), scripts=("x.py",))
    with pytest.raises(ManifestError, match="not a plain identifier"):
        load_registry(folder)


@pytest.mark.parametrize(
    "body, reason",
    [
        ("experiments: [\n", "cannot read"),
        ("{}", "top-level 'experiments:' list"),
        ("experiments:\n  - id: aliased_kernel\n  - id: aliased_kernel\n", "declared twice"),
        ("experiments:\n  - id: aliased_kernel\n    reproduces: 3\n", "list of entry ids"),
        ("experiments:\n  - id: nothing_here\n", "not found"),
    ],
)
def test_a_broken_manifest_is_one_clear_error(tmp_path, body, reason):
    with pytest.raises(ManifestError, match=reason):
        load_registry(manifest(tmp_path / "experiments", body))


def test_experiments_must_be_a_regular_package(tmp_path):
    # Else a stray `experiments` package elsewhere on sys.path would run instead.
    folder = manifest(tmp_path / "experiments", one())
    (folder / "__init__.py").unlink()
    with pytest.raises(ManifestError, match="no __init__.py"):
        load_registry(folder)


def test_no_manifest_is_an_error(tmp_path):
    with pytest.raises(ManifestError, match="no experiments manifest"):
        load_registry(tmp_path)


def test_an_exp_field_links_the_innermost_entry_that_holds_it(tmp_path):
    notes = {"Diary/2024/2024-12-01.md": seed_note(
        Field(line=92, key="exp", value="aliased_kernel"),  # in 17:36's body
        Field(line=98, key="exp", value=" aliased_kernel "),  # in the nested 21:35~2
        Field(line=10, key="exp", value="aliased_kernel"),  # above every entry
        Field(line=96, key="exp", value="no_such_experiment"),
        Field(line=95, key="other", value="aliased_kernel"),
    )}
    links = field_links(notes, {"aliased_kernel"})
    assert [(f.line, f.entry_id, f.experiment_id, f.known) for f in links] == [
        (92, ENTRY, "aliased_kernel", True),
        (98, OTHER + "~2", "aliased_kernel", True),
        (10, None, "aliased_kernel", True),
        (96, OTHER, "no_such_experiment", False),
    ]


def test_a_field_adds_an_entry_to_the_experiment_both_ways(tmp_path):
    reg = load_registry(manifest(tmp_path / "experiments", one()))
    notes = {"Diary/2024/2024-12-01.md": seed_note(Field(line=97, key="exp", value="aliased_kernel"))}
    linked = reg.with_fields(notes)

    assert [e.id for e in linked.for_entry(OTHER + "~2")] == ["aliased_kernel"]
    assert linked.entries_of("aliased_kernel") == [(ENTRY, "manifest"), (OTHER + "~2", "field")]
    assert reg.for_entry(OTHER + "~2") == []  # the registry itself is left as it was


def test_a_field_naming_an_unknown_experiment_runs_nothing(tmp_path):
    reg = load_registry(manifest(tmp_path / "experiments", one()))
    notes = {"Diary/2024/2024-12-01.md": seed_note(Field(line=96, key="exp", value="rm -rf /"))}
    with pytest.raises(TargetError, match="has no experiment"):
        resolve_target(OTHER, reg.with_fields(notes), FakeIndex(notes))


# --- targets -----------------------------------------------------------------------------------


@pytest.fixture
def registry_and_index(tmp_path):
    reg = load_registry(manifest(tmp_path / "experiments", one()))
    index = FakeIndex({"Diary/2024/2024-12-01.md": seed_note()})
    return reg, index


def test_target_experiment_id(registry_and_index):
    reg, _ = registry_and_index
    target = resolve_target("aliased_kernel", reg)  # needs no vault
    assert (target.kind, [e.id for e in target.experiments], target.entry_ids) == (
        "experiment", ["aliased_kernel"], (ENTRY,))


def test_target_entry_id(registry_and_index):
    reg, index = registry_and_index
    for idx in (index, None):  # the manifest alone knows the entry too
        target = resolve_target(ENTRY, reg, idx)
        assert (target.kind, [e.id for e in target.experiments], target.entry_ids) == (
            "entry", ["aliased_kernel"], (ENTRY,))


@pytest.mark.parametrize("given", ["2024-12-01:91", "Diary/2024/2024-12-01.md:91"])
def test_target_note_and_line(registry_and_index, given):
    reg, index = registry_and_index
    target = resolve_target(given, reg, index)
    assert (target.kind, target.entry_ids, [e.id for e in target.experiments]) == (
        "entry", (ENTRY,), ["aliased_kernel"])


def test_an_entry_with_several_experiments_runs_them_all(tmp_path):
    body = one() + f"""
          - id: second
            reproduces: ["{ENTRY}"]
        """
    reg = load_registry(manifest(tmp_path / "experiments", body, ("aliased_kernel.py", "second.py")))
    assert [e.id for e in resolve_target(ENTRY, reg).experiments] == ["aliased_kernel", "second"]


@pytest.mark.parametrize(
    "given, message",
    [
        ("no_such_experiment", "unknown target"),
        ("2024-12-01:92", "no log entry starts at Diary/2024/2024-12-01.md:92"),
        ("nowhere:91", "unknown target"),
        ("2024-12-01@1999-01-01T00:00", "unknown entry"),
        (OTHER, f"entry {OTHER} has no experiment"),
        ("2024-12-01:95", f"entry {OTHER} has no experiment"),
    ],
)
def test_targets_that_name_no_experiment(registry_and_index, given, message):
    reg, index = registry_and_index
    with pytest.raises(TargetError, match=message):
        resolve_target(given, reg, index)
