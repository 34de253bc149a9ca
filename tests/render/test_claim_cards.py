"""The claim cards (one card per statement, for a phone's column) and the citation keys they give in words."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from cnnviz.analysis.claims import PAPER, Claim, Verdict
from cnnviz.render import theme
from cnnviz.render.citations import labels, readable
from cnnviz.render.claim_cards import claim_cards
from cnnviz.render.claims import claims_table
from tests.render.test_claims_table import ERROR, TABLE, claim, untested


@pytest.fixture
def mixed() -> list[Claim]:
    paper = Claim("p.error", "demo", "Error", "16.4%", 0.164, 0.164, "16.4%", PAPER,
                  "krizhevsky2012imagenet, Table 2", Verdict.HOLDS, note="as simonyan2015very report it",
                  bullet=ERROR)  # fmt: skip
    return [claim("t.conv1", Verdict.HOLDS, TABLE, "CONV1"), claim("t.norm1", Verdict.OFF, TABLE, "NORM1"),
            paper, untested()]  # fmt: skip


def test_every_card_shows_every_field_and_what_holds_is_folded(mixed):
    cards = claim_cards(mixed)._repr_html_()
    shown, folded = cards.split('<details class="cnnviz-claims-holding">')
    assert "<table" not in cards and "2 statements that hold (✓): show" in folded
    assert shown.index("NORM1") < shown.index("Reduce vanishing grads")  # what is off first, as in the table
    for c in mixed:
        where = folded if c.verdict is Verdict.HOLDS else shown
        for field in (c.statement, c.stated, c.actual, c.verdict_text, readable(c.source)):
            assert html.escape(field) in where, (c.id, field)
    assert "Actual (paper):" in folded and cards.count('<div class="cnnviz-claim"') == len(mixed)


def test_the_verdicts_look_as_in_the_table(mixed):
    cards, table = claim_cards(mixed)._repr_html_(), claims_table(mixed)._repr_html_()
    off = f'class="verdict-off" style="color:{theme.OFF};font-weight:bold">✗ off'
    untestable = 'class="verdict-untested" style="font-weight:bold">? not testable here'
    assert off in cards and off in table and untestable in cards and untestable in table


def test_citation_keys_are_given_in_words_in_the_source_and_the_note(mixed):
    cards = claim_cards(mixed)._repr_html_()
    for key in ("krizhevsky2012imagenet", "simonyan2015very", "huang2016deep"):
        assert key not in cards and labels()[key] in cards
    assert f"Source: {labels()['krizhevsky2012imagenet']}, Table 2" in cards
    assert str(claim_cards(mixed)).splitlines()[1] == "NORM1: ✗ off: 2 (+100%)"


BIB = """
@article{solo2009one,
  author = {Krizhevsky, Alex},
  year   = {2009}
}

@inproceedings{pair2014two,
  title  = {A {GPU} paper},
  author = {Zeiler, Matthew D. and Fergus, Rob},
  year   = {2014},
}

@inproceedings{many2016first,
  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing},
  year   = {2016}
}

@inproceedings{many2016second,
  author = {He, Kaiming and Sun, Jian and Ren, Shaoqing},
  year   = {2016}
}

@inproceedings{dollar2017,
  author = {van der Maaten, Laurens and Doll{\\'a}r, Piotr},
  year   = {2017}
}
"""


def test_labels_follow_the_number_of_authors_and_tell_alike_entries_apart(tmp_path: Path):
    bib = tmp_path / "references.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert labels(bib) == {
        "solo2009one": "Krizhevsky 2009", "pair2014two": "Zeiler and Fergus 2014",
        "many2016first": "He et al. 2016a", "many2016second": "He et al. 2016b",
        "dollar2017": "van der Maaten and Dollár 2017",
    }  # fmt: skip
    assert readable("pair2014two, Fig. 2; not2020akey; solo2009one", bib) == (
        "Zeiler and Fergus 2014, Fig. 2; not2020akey; Krizhevsky 2009"
    )


def test_an_entry_without_a_year_is_named_and_no_bibliography_leaves_the_text(tmp_path: Path):
    bib = tmp_path / "references.bib"
    bib.write_text("@misc{nodate2020x,\n  author = {Doe, Jane}\n}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="entry 'nodate2020x' needs an author and a year"):
        labels(bib)
    assert labels(tmp_path / "none.bib") == {}
    assert readable("pair2014two, Fig. 2", tmp_path / "none.bib") == "pair2014two, Fig. 2"


def test_the_books_bibliography_gives_every_entry_a_label_of_its_own():
    found = labels()
    bib = Path(__file__).resolve().parents[2] / "cnnviz" / "references.bib"
    keys = re.findall(r"^@\w+\{([^,]+),", bib.read_text(encoding="utf-8"), flags=re.M)
    assert sorted(found) == sorted(keys) and len(set(found.values())) == len(found)
    assert all(re.fullmatch(r"\S.* \d{4}[a-z]?", label) for label in found.values()), found
