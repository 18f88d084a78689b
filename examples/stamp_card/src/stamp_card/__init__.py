"""集点卡 (stamp card): a plugin of the membership platform, written only against its contract.

A member collects a stamp for each qualifying order (or one staff add by hand, or a journey
step); a full card grants points, emits ``stamp_card.completed`` and starts over. The entry
point is :mod:`stamp_card.plugin`; the rest is one concept per module:

* :mod:`stamp_card.config`: what a tenant configures when it enables the plugin;
* :mod:`stamp_card.tables`: the plugin's own tables (migrations under row-level security);
* :mod:`stamp_card.cards`: adding a stamp and reading a card (the only module with SQL);
* :mod:`stamp_card.events`: the event a full card emits;
* :mod:`stamp_card.api`: the GraphQL query and mutation;
* :mod:`stamp_card.earning`: the ``STAMP_CARD_BONUS`` earning-rule kind;
* :mod:`stamp_card.reactions`: the ``order.recorded`` handler, the lapse cron, journey steps;
* ``pages/stamp-card.js``: the admin page.
"""

from __future__ import annotations

__version__ = "1.0.0"
