"""The built-in case, as tests read it: from data/cases/, never by name."""
from __future__ import annotations

from atlas_cli.main import default_case
from geo.articles import article_paths, read_article
from layers.build import article_places, build_layers

BUILT_IN = default_case()
ARTICLES_DIR = BUILT_IN.articles_dir


def built_in_articles():
    """The built-in case's reports, read as the command line reads them."""
    return [read_article(path) for path in article_paths(ARTICLES_DIR)]


def built_in_layers():
    """Every layer of the built-in case, as ``incident-atlas build`` makes them."""
    return build_layers(article_places(built_in_articles()), BUILT_IN)
