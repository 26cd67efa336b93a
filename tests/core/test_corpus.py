import pytest

from core import corpus

COLOURS = ("red", "blue", "green", "black", "white", "grey", "pink", "brown")
ITEMS = ("coat", "dress", "shirt", "scarf", "skirt")
REPEATED = [f"The {colour} {item} is on sale." for colour in COLOURS for item in ITEMS]  # 40 distinct lines


def test_a_repeated_line_never_lands_on_both_sides_whatever_the_seed():
    lines = [*REPEATED, *REPEATED[:15], "Changed in version 3.3.", "Changed in version 3.3."]
    for seed in range(30):
        split = corpus.split_documents(lines, seed=seed)
        assert not set(split.train) & set(split.validation)
        assert split.report.leaked_documents == 0
        assert len(split.train) + len(split.validation) == len(REPEATED) + 1


def test_near_duplicates_differ_only_in_case_punctuation_spacing_or_numbers():
    lines = ["The red dress is soft.", "the  RED dress is soft!!", "Changed in version 3.3.", "Changed in version 3.12",
             "The red dress is soft.", *REPEATED]
    deduplicated = corpus.deduplicate(lines)
    assert deduplicated.exact_duplicates == 1
    assert deduplicated.near_duplicates == 2
    assert deduplicated.documents[:2] == ("The red dress is soft.", "Changed in version 3.3.")  # first one kept


def test_report_counts_and_says_them_in_one_sentence():
    lines = [*REPEATED, *REPEATED[:12], REPEATED[0].upper()]
    split = corpus.split_documents(lines, seed=3)
    report = split.report
    assert (report.lines_read, report.exact_duplicates, report.near_duplicates) == (53, 12, 1)
    assert (report.train_documents, report.validation_documents, report.blocks) == (36, 4, 0)
    assert report.sentence() == ("13 repeated lines removed (1 differing only in case, punctuation or numbers); "
                                 "no validation document occurs in training.")
    distinct = corpus.split_documents(REPEATED, seed=3).report.sentence()
    assert distinct.startswith("No repeated lines; ")  # a sentence of its own on the page, after a full stop


def test_leak_check_finds_a_validation_document_that_occurs_in_training():
    assert corpus.leaked_documents(["A cat sat.", "A dog ran."], ["a cat sat", "A bird sang."]) == 1
    assert corpus.leaked_documents(["A cat sat."], ["A bird sang."]) == 0


def test_same_seed_same_split_and_another_seed_another():
    first, again = corpus.split_documents(REPEATED, seed=1), corpus.split_documents(REPEATED, seed=1)
    assert first == again
    assert corpus.split_documents(REPEATED, seed=2).validation != first.validation


def test_few_lines_are_cut_into_contiguous_blocks_in_reading_order():
    text = " ".join(f"w{i}" for i in range(100))
    split = corpus.split_documents([text, "one more line here"], seed=0)
    assert split.report.blocks == corpus.MIN_BLOCKS
    blocks = corpus.contiguous_blocks([text, "one more line here"])
    assert " ".join(blocks).split() == (text + " one more line here").split()
    assert {len(b.split()) for b in blocks} <= {5, 6}
    assert len(split.validation) == 2 and "contiguous blocks" in split.report.sentence()


def test_one_repeated_line_is_one_document_cut_into_blocks():
    split = corpus.split_documents(["The shop sells warm wool coats in winter."] * 50, seed=0)
    assert split.report.exact_duplicates == 49
    assert " ".join([*split.train, *split.validation]).count("wool") == 1


def test_one_repeated_word_is_refused_with_the_repeats_named():
    with pytest.raises(ValueError, match="a single word after 49 repeated lines"):
        corpus.split_documents(["Hello!"] * 50, seed=0)


def test_every_line_a_duplicate_of_another_keeps_one_of_each():
    lines = ["first line of text", "second line of text", "First line of text.", "second line of text"] * 5
    split = corpus.split_documents(lines, seed=0)
    assert split.report.duplicates_removed == 18
    assert sorted(" ".join([*split.train, *split.validation]).split()) == sorted(
        ["first", "line", "of", "text", "second", "line", "of", "text"])


def test_text_shorter_than_one_context_still_splits_or_says_why():
    assert corpus.split_documents(["just two"], seed=0).report.train_documents == 1
    with pytest.raises(ValueError, match="single word"):
        corpus.split_documents(["   ", "alone"], seed=0)
    with pytest.raises(ValueError, match="empty"):
        corpus.split_documents(["", "  "], seed=0)


def test_numbers_only_keep_their_digits_but_lose_their_punctuation():
    assert corpus.normalise("12, 13; 14") == corpus.normalise("12 13 14") == "12 13 14"
    assert corpus.normalise("12 13 14") != corpus.normalise("12 13 15")
    lines = [f"{i} {i * 7} {i * 13}" for i in range(30)]
    assert corpus.split_documents(lines, seed=0).report.duplicates_removed == 0


def test_mixed_scripts_and_emoji_are_kept_and_compared():
    lines = ["Привет, мир!", "привет мир", "こんにちは世界", "Γειά σου κόσμε", "🙂🙂", "🙂🙂", "🙃", "café au lait",
             "CAFÉ au lait.", *REPEATED]
    deduplicated = corpus.deduplicate(lines)
    assert (deduplicated.exact_duplicates, deduplicated.near_duplicates) == (1, 2)
    assert {"こんにちは世界", "Γειά σου κόσμε", "🙂🙂", "🙃"} <= set(deduplicated.documents)
    assert corpus.split_documents(lines, seed=0).report.leaked_documents == 0


def test_validation_share_outside_zero_and_one_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        corpus.split_documents(REPEATED, seed=0, validation_share=1.0)


def test_block_count_grows_with_the_text_between_its_bounds():
    assert corpus.block_count(5) == 5
    assert corpus.block_count(1_000) == corpus.MIN_BLOCKS
    assert corpus.block_count(12_000) == 40
    assert corpus.block_count(10**6) == corpus.MAX_BLOCKS
