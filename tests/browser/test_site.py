"""Every page of the built site loads from 127.0.0.1 alone, without errors, with its math and images."""

from __future__ import annotations

import pytest

from tests.browser.site import SITE, site_pages

PAGES = site_pages()


def test_the_site_was_built_with_every_chapter():
    assert (SITE / "index.html").is_file(), "run `make book` first"
    chapters = [p for p in PAGES if p.startswith("book/")]
    assert len(chapters) >= 2, f"expected the intro and at least one chapter, found {chapters}"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly(open_page, path):
    page, problems = open_page(path)
    assert problems.all() == [], f"{path}:\n" + "\n".join(problems.all())

    broken = page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == [], f"{path}: images that did not load: {broken}"
    unlabelled = page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !i.alt || i.alt.includes('_images/')).map(i => i.src)"
    )
    assert unlabelled == [], f"{path}: images without alt text (or with a file name as alt): {unlabelled}"

    # Math: MathJax must have replaced every math element's TeX with typeset output.
    n_math = page.locator(".math").count()
    if n_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        typeset = page.locator(".math mjx-container").count()
        assert typeset == n_math, f"{path}: {n_math} math elements, {typeset} typeset"
