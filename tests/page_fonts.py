"""A small base font for page tests: a few characters, in a private cache folder (the real one takes seconds)."""

from collections.abc import Iterator

import pytest

from salesnb.batch import rendering, webfont


def small_base_font(tmp_path_factory: pytest.TempPathFactory, characters: str) -> Iterator[None]:
    """Pages cut their font from a base of ``characters`` while the caller's fixture is alive; caches reset after."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        patch.setattr(webfont, "base_characters", lambda: characters)
        webfont.base_font.cache_clear()
        webfont.subset_font.cache_clear()
        yield
    webfont.base_font.cache_clear()
    webfont.subset_font.cache_clear()
    rendering._exporter.cache_clear()
