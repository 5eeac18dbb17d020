from assistant.ui.facets import facets, search_filter


def test_choices_come_from_the_index_and_topics_from_the_vocabulary() -> None:
    rows = [
        {"country": "Sweden", "city": "Malmö", "doc_type": "case-study"},
        {"country": "Finland", "city": "", "doc_type": "guidance"},
        {"country": "Sweden", "city": "Lund"},
    ]
    found = facets(rows)
    assert found.countries == ["Finland", "Sweden"] and found.cities == ["Lund", "Malmö"]
    assert found.doc_types == ["case-study", "guidance"]
    assert "twinning" in found.topics and "mobility" in found.topics


def test_chosen_values_make_the_search_filter() -> None:
    chosen = search_filter(["Sweden"], ["malmo"], None, ["mobility", "twinning"])
    assert chosen.country == ("Sweden",) and chosen.city == ("Malmö",)
    assert chosen.topics == ("mobility", "twinning")
    assert search_filter([], None, [], []).is_empty()
