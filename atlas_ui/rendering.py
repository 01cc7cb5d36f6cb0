"""How the map's own elements put their rendered scripts into the page.

branca's ``MacroElement.render`` wraps each rendered script in ``Element(text)``, which
compiles that text as a Jinja template and renders it again when the page is rendered.
Data in the script (a place name or a report's sentence holding ``{{ … }}``) would then
run as a template on the server, and compiling a map of 100,000 incidents (4 MB) took
half a second each time. :class:`RawScript` adds the text as it is instead.
"""
from __future__ import annotations

from typing import Any

import folium
from branca.element import Element
from folium.elements import ElementAddToElement


class Raw(Element):
    """Text put into the page unchanged: never read as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class RawScript:
    """Mixin for a ``MacroElement``: render its ``header``, ``html`` and ``script`` macros
    (with ``|tojson`` options, as folium's own plugins do) into :class:`Raw` elements."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = macros.get(part)
            if macro is not None:
                target.add_child(Raw(str(macro(self, kwargs))), name=self.get_name())
        for element in list(self._children.values()):
            element.render(**kwargs)


class RawLayer(RawScript):
    """:class:`RawScript` for a ``folium.map.Layer``: added to its parent when shown, as folium does."""

    def render(self, **kwargs: Any) -> None:
        if isinstance(self, folium.map.Layer) and self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        super().render(**kwargs)
