"""Views of a graph shared by the app and the CLI: plotly figures, static SVG, and the
interactive vis-network canvas, all offline.

Every view follows the same conventions (:mod:`.common`): edges coloured by a per-edge
value (effective resistance by default) on a colour-blind-safe scale, with a colour bar
and the exact value on hover; bridges marked by more than colour (thicker and dashed; a
dropped bridge gets a cross); node positions from :func:`layout`, seeded, so the same
graph always looks the same and panels can share one layout. No streamlit import.
"""

from .charts import exact_vs_approx_figure, reff_histogram
from .common import (
    BRIDGE_COLOUR,
    COLORSCALE,
    DRAW_MAX_EDGES,
    DRAW_MAX_NODES,
    DROPPED_COLOUR,
    PYVIS_MAX_EDGES,
    SVG_MAX_EDGES,
    edge_colours,
    edge_table,
    fitted_height,
    layout,
)
from .editor import editor_view
from .figures import graph_figure
from .network import (
    VIS_VERSION,
    external_urls,
    pyvis_html,
    script_json,
    vis_network_js,
    vis_tooltip_css,
)
from .svg import graph_svg, histogram_svg

__all__ = [
    "editor_view",
    "layout",
    "edge_table",
    "edge_colours",
    "fitted_height",
    "COLORSCALE",
    "BRIDGE_COLOUR",
    "DROPPED_COLOUR",
    "DRAW_MAX_NODES",
    "DRAW_MAX_EDGES",
    "PYVIS_MAX_EDGES",
    "SVG_MAX_EDGES",
    "graph_figure",
    "reff_histogram",
    "exact_vs_approx_figure",
    "graph_svg",
    "histogram_svg",
    "pyvis_html",
    "vis_network_js",
    "vis_tooltip_css",
    "external_urls",
    "script_json",
    "VIS_VERSION",
]
