"""Numbers read by value: separators, decimal commas, suffixes and scale words in the six languages."""

from __future__ import annotations

from assistant.core.numbers import number_values, values_at
from assistant.core.text import words


def test_thousands_separators_and_decimal_marks_give_the_same_value() -> None:
    assert 2400.0 in values_at(words("2,400"), 0) & values_at(words("2.400"), 0) & values_at(words("2400"), 0)
    assert 1.5 in values_at(words("1,5"), 0) & values_at(words("1.5"), 0)


def test_a_suffix_or_a_scale_word_multiplies_the_number() -> None:
    assert 600_000.0 in values_at(words("€600k"), 0)
    assert 1_500_000.0 in values_at(words("€1.5 million"), 0) & values_at(words("1,5 Mio. EUR"), 0)
    assert 28_769_000_000.0 in values_at(words("PLN 28,769 mln"), 1)
    assert 2_000_000_000.0 in values_at(words("2 mld zł"), 0)


def test_names_and_ordinals_with_digits_are_no_values() -> None:
    for token in ("co2", "tco2eq", "pm2.5", "1st", "a1"):
        assert values_at([token], 0) == set()


def test_every_number_of_a_text_is_read() -> None:
    values = number_values(words("In 2021 the city emitted 1,283,174 tCO2eq, 294,533 of it from transport."))
    assert {2021.0, 1_283_174.0, 294_533.0} <= values
