"""The monthly review pack (销售月例会材料): one document per region and month, in the meeting's six parts.

1. 月度业绩概览, 2. 销售数据分析, 3. 关键问题诊断, 4. 客户反馈处理, 5. 资源支持需求, 6. 下月行动计划, opened by
上月行动跟踪. The notebook ``notebooks/pack.ipynb`` calls the angles' panels and these functions: each part's key
points (:mod:`.points`), typical complaint cases (:mod:`.cases`), resource requests derived from the data
(:mod:`.resources`), the action timetable written as ``actions.json`` (:mod:`.actions`) and last month's actions
followed up (:mod:`.tracking`).
"""

from .actions import action_items, actions_document, actions_frame, actions_panel
from .cases import cases_frame, cases_panel
from .points import PARTS, KeyPoints, key_points
from .resources import resource_requests, resources_panel, training_frame
from .tracking import tracking_frame, tracking_panel

__all__ = [
    "PARTS", "KeyPoints", "action_items", "actions_document", "actions_frame", "actions_panel", "cases_frame",
    "cases_panel", "key_points", "resource_requests", "resources_panel", "tracking_frame", "tracking_panel",
    "training_frame",
]  # fmt: skip
