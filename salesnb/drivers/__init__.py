"""Driver analysis for the overview (驱动因素): where the change against a baseline, and the gap to target, come from.

Three views, each a frame plus a panel, for the report's scope (region or ALL) and month against one baseline:
``previous_month`` (default), ``same_month_last_year`` or ``trailing_avg`` (the average month of the trailing
months; customers, units and orders are averaged the same way).

- :mod:`.bridge` — :func:`revenue_bridge`: a waterfall from the baseline's revenue to the period's: new customers,
  lost customers, and the continuing customers' change split into volume, price and mix at product level.
- :mod:`.tree` — :func:`revenue_tree`: revenue = buyers × orders per buyer × order value, and order value = units
  per order × price per unit, each factor's change attributed with the log-mean Divisia index (LMDI).
- :mod:`.table` — :func:`driver_table`: per segment of region (ALL report), product line, channel, rep and
  customer size band: its contribution to the gap to the baseline and to the target, split into volume, mix and
  rate effects.

Every split adds up exactly to the total change (tests check it); :func:`bridge_metrics` and
:func:`driver_metrics` hand their numbers to the overview's metrics. This package emits no findings. The charts
live in :mod:`salesnb.display.plotting.drivers`.
"""

from .bridge import BRIDGE_STEPS, bridge_metrics, bridge_panel, revenue_bridge
from .common import BASELINES, baseline_label, baseline_months
from .table import DIMENSIONS, UNALLOCATED, driver_metrics, driver_panel, driver_table
from .tree import TREE_NODES, revenue_tree, tree_panel

__all__ = [
    "BASELINES",
    "BRIDGE_STEPS",
    "DIMENSIONS",
    "TREE_NODES",
    "UNALLOCATED",
    "baseline_label",
    "baseline_months",
    "bridge_metrics",
    "bridge_panel",
    "driver_metrics",
    "driver_panel",
    "driver_table",
    "revenue_bridge",
    "revenue_tree",
    "tree_panel",
]
