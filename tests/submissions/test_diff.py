"""The changes between two versions of a submission (pure: no database)."""

from submissions.diff import (
    ChangeKind,
    FileFacts,
    NoteFacts,
    diff_manifests,
    note_answers,
)


def f(path, size=100, crc=1, element=None, is_dir=False):
    return FileFacts(path=path, size=size, crc=crc, element_number=element, is_dir=is_dir)


def kinds(diff):
    return {(e.element_number, c.kind, c.path) for e in diff.elements for c in e.changes}


def test_identical_manifests_have_no_changes():
    files = [f("Audit tool.pdf"), f("01 - Policy/policy.pdf", element=1)]
    diff = diff_manifests(files, files)
    assert not diff.has_changes
    assert diff.unchanged == 2
    assert diff.elements == ()


def test_added_removed_and_changed_files_are_grouped_by_element():
    old = [
        f("Audit tool.pdf", crc=10),
        f("01 - Policy/policy.pdf", crc=11, element=1),
        f("02 - Hazards/old.pdf", crc=12, size=50, element=2),
    ]
    new = [
        f("Audit tool.pdf", crc=10),
        f("01 - Policy/policy.pdf", crc=99, element=1),
        f("02 - Hazards/new.pdf", crc=13, size=70, element=2),
    ]
    diff = diff_manifests(old, new)
    assert kinds(diff) == {
        (1, ChangeKind.CHANGED, "01 - Policy/policy.pdf"),
        (2, ChangeKind.ADDED, "02 - Hazards/new.pdf"),
        (2, ChangeKind.REMOVED, "02 - Hazards/old.pdf"),
    }
    assert [e.element_number for e in diff.elements] == [1, 2]
    assert diff.unchanged == 1
    assert diff.totals[ChangeKind.CHANGED] == 1
    assert diff.totals[ChangeKind.ADDED] == 1
    assert diff.totals[ChangeKind.REMOVED] == 1


def test_a_file_with_the_same_crc_but_another_size_is_changed():
    diff = diff_manifests([f("a.pdf", size=10, crc=5)], [f("a.pdf", size=11, crc=5)])
    (change,) = diff.elements[0].changes
    assert change.kind is ChangeKind.CHANGED
    assert change.old_size == 10 and change.size == 11


def test_the_same_bytes_under_a_new_path_is_a_move_between_elements():
    old = [f("misc/training.pdf", crc=7, size=300)]
    new = [f("05 - Training/training.pdf", crc=7, size=300, element=5)]
    diff = diff_manifests(old, new)
    (group,) = diff.elements
    (change,) = group.changes
    assert group.element_number == 5
    assert change.kind is ChangeKind.MOVED
    assert change.old_path == "misc/training.pdf"
    assert diff.totals[ChangeKind.ADDED] == 0 and diff.totals[ChangeKind.REMOVED] == 0


def test_empty_files_are_not_taken_for_moves():
    diff = diff_manifests([f("a/empty.txt", size=0, crc=0)], [f("b/empty.txt", size=0, crc=0)])
    assert diff.totals[ChangeKind.ADDED] == 1 and diff.totals[ChangeKind.REMOVED] == 1


def test_folders_are_ignored_and_paths_compare_without_case():
    old = [f("01 - Policy", is_dir=True, element=1), f("01 - Policy/Policy.PDF", element=1)]
    new = [f("01 - policy/policy.pdf", element=1)]
    diff = diff_manifests(old, new)
    assert not diff.has_changes
    assert diff.unchanged == 1


def test_files_outside_elements_come_first():
    diff = diff_manifests([], [f("03 - x/a.pdf", element=3), f("Audit tool.pdf", crc=2)])
    assert [e.element_number for e in diff.elements] == [None, 3]
    assert diff.elements[1].count(ChangeKind.ADDED) == 1


def test_note_answers_lists_answered_and_unanswered_actionable_notes_only():
    answers = note_answers(
        [
            NoteFacts(1, actionable=True, answered=True),
            NoteFacts(2, actionable=True, answered=False),
            NoteFacts(3, actionable=False, answered=False),
        ]
    )
    assert answers.answered == (1,)
    assert answers.unanswered == (2,)
    assert not answers.all_answered
    assert note_answers([NoteFacts(4, actionable=True, answered=True)]).all_answered
