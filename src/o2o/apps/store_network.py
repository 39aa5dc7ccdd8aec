"""The 门店网络 app: the store map and the fan tiers of the panel stores."""

from __future__ import annotations

from typing import Any

from o2o.apps.base import App
from o2o.widgets.base import GuardedTab
from o2o.widgets.fan_tiers import FanTiers
from o2o.widgets.store_network import StoreNetwork


class StoreNetworkApp(App):
    """Store network explorer: where the stores are, and how their fans move between tiers."""

    title_zh = "门店网络"
    title_en = "Store network"
    intro_zh = "约 7,000 家门店在广东的分布;按城市、业态、所有制和试点分组筛选。第二页是会员粉丝的分层与流动。"
    intro_en = ("About 7,000 stores across Guangdong; filter by city, format, ownership and pilot group. "
                "The second tab shows fans by tier and how they move.")

    def _build(self, data: Any) -> list:
        self.network = StoreNetwork(data.stores, lang=self.lang)
        self.fans = FanTiers(data.member_tiers, lang=self.lang)
        return [self.network, self.fans]

    def _layout(self) -> list:
        self._tabs = GuardedTab(children=[self.network, self.fans])
        self._relabel()
        return [self._tabs]

    def _relabel(self) -> None:
        names = (("门店地图", "Store map"), ("粉丝分层", "Fan tiers"))
        self._tabs.titles = tuple(en if self.lang == "en" else zh for zh, en in names)
