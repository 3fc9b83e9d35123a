"""Three-way merge of an entry edited in two places (pkm.core.journal.merge)."""

from pkm.core.journal.merge import merge_text


def test_typing_at_the_end_of_the_last_line_while_a_quote_is_appended():
    base = "Morning.\nFirst thought."
    mine = "Morning.\nFirst thought. Second thought."
    theirs = "Morning.\nFirst thought.\n\n> A quote\n"
    assert (
        merge_text(base, mine, theirs) == "Morning.\nFirst thought. Second thought.\n\n> A quote\n"
    )


def test_changes_in_different_places_are_both_kept():
    base = "A\nB\nC\n"
    assert merge_text(base, "A2\nB\nC\n", "A\nB\nC2\n") == "A2\nB\nC2\n"


def test_two_additions_at_the_same_place_keep_both_mine_first():
    assert merge_text("A\n", "A\nmine\n", "A\ntheirs\n") == "A\nmine\ntheirs\n"


def test_the_same_words_changed_differently_is_a_conflict():
    assert merge_text("The plan is A.\n", "The plan is B.\n", "The plan is C.\n") is None


def test_one_side_unchanged_takes_the_other():
    assert merge_text("x", "x", "y") == "y"
    assert merge_text("x", "y", "x") == "y"
