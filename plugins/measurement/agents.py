"""Who is asking: podcast apps and bots, from maintained user-agent lists.

Two lists, both installed as packages (never copied into this repository):

- the Open Podcast Analytics Working Group's podcast user-agent list, which names the
  podcast apps and marks the bots among podcast clients (feed crawlers, caches, ad
  verifiers); it ships in the `podcast-app-user-agents` package. Its patterns are
  regular expressions to *search* in the user agent (as the working group specifies;
  the package's own parser anchors them, so it is not used);
- CrawlerDetect (`crawlerdetect`), the general crawler, spider and headless-browser list.

A client is a bot when either list says so. The podcast list also names the app
(`Apple Podcasts`, `Spotify`…), which the report uses to show where people listen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources

from crawlerdetect import CrawlerDetect

OPAWG_PACKAGE = "podcast_app_user_agents"
OPAWG_FILE = "data/src/user-agents.json"


@dataclass(frozen=True)
class Agent:
    bot: bool
    app: str | None  # the podcast app's name when the podcast list knows it


def _opawg_patterns() -> list[tuple[re.Pattern, dict]]:
    text = (resources.files(OPAWG_PACKAGE) / OPAWG_FILE).read_text(encoding="utf-8")
    patterns = []
    for entry in json.loads(text):
        for pattern in entry.get("user_agents", []):
            patterns.append((re.compile(pattern), entry))
    return patterns


@dataclass
class UserAgents:
    """Classifies user agents; one per run (it remembers the answers it has given:
    a busy log has a few thousand distinct user agents in millions of lines)."""

    _podcast: list = field(default_factory=_opawg_patterns)
    _crawlers: CrawlerDetect = field(default_factory=CrawlerDetect)
    _known: dict[str, Agent] = field(default_factory=dict)

    def classify(self, user_agent: str) -> Agent:
        agent = self._known.get(user_agent)
        if agent is None:
            agent = self._classify(user_agent)
            if len(self._known) < 200_000:  # bounded: random user agents cannot fill memory
                self._known[user_agent] = agent
        return agent

    def _classify(self, user_agent: str) -> Agent:
        if not user_agent or user_agent == "-":
            return Agent(bot=True, app=None)  # no browser or podcast app sends none
        entry = next((e for pattern, e in self._podcast if pattern.search(user_agent)), {})
        bot = bool(entry.get("bot")) or self._crawlers.isCrawler(user_agent)
        return Agent(bot=bot, app=entry.get("app"))
